using System.Globalization;
using Custos.Core.Keys;
using Custos.Core.Threshold;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>A key as the API shows it. Never material.</summary>
public sealed record KeyResponse(
    string Id, string? Alias, string Purpose, string Custody, string Spec, string State,
    string Classification, string Description, string Owner,
    IReadOnlyList<string> DataCategories, IReadOnlyList<string> AllowedJurisdictions,
    int? RetentionDays, int? RotationPeriodDays, IReadOnlyDictionary<string, string> Tags,
    int PrimaryVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset LastRotatedAt,
    DateTimeOffset? NextRotationAt, DateTimeOffset? DestructionDate, IReadOnlyList<KeyVersionResponse> Versions)
{
    /// <summary>Maps a domain key.</summary>
    public static KeyResponse From(ManagedKey k) => new(
        k.Id, k.Alias, k.Purpose.Name(), k.Custody.Name(), k.Spec.Name(), k.State.Name(),
        k.Attributes.Classification.Name(), k.Attributes.Description, k.Attributes.Owner,
        k.Attributes.DataCategories, k.Attributes.AllowedJurisdictions,
        k.Attributes.RetentionDays, k.Attributes.RotationPeriodDays, k.Attributes.Tags,
        k.PrimaryVersion, k.CreatedAt, k.UpdatedAt, k.LastRotatedAt, k.NextRotationAt, k.DestructionDate,
        k.Versions.Select(v => new KeyVersionResponse(v.Number, v.State.Name(), v.Keystore, v.CreatedAt, v.DestroyedAt, v.Evidence,
            k.Custody == KeyCustody.Threshold ? ThresholdResponse.From(v) : null)).ToList());
}

/// <summary>One version as the API shows it; <paramref name="Threshold"/> for a version of a threshold key that still has material.</summary>
public sealed record KeyVersionResponse(int Version, string State, string Keystore, DateTimeOffset CreatedAt, DateTimeOffset? DestroyedAt,
    IReadOnlyDictionary<string, string>? Evidence, ThresholdResponse? Threshold = null);

/// <summary>
/// The public record of a threshold key version: k of n, the jurisdiction requirement, the group public key (SEC 1
/// compressed, hex) and fingerprint, and who holds which share, with the country each custodian declared when it got it.
/// </summary>
public sealed record ThresholdResponse(int K, int N, int MinJurisdictions, string PublicKey, string GroupFingerprint, IReadOnlyList<CustodianResponse> Custodians)
{
    /// <summary>The record of <paramref name="version"/>; null when it has no threshold material (destroyed).</summary>
    public static ThresholdResponse? From(KeyVersion version)
    {
        if (version.Material is not { } m || ThresholdMaterial.TryDecode(m) is not { } material) return null;
        var group = material.Group;
        return new ThresholdResponse(group.Threshold, group.Participants.Count, material.MinJurisdictions, Convert.ToHexStringLower(group.PublicKey.Encode()),
            group.Fingerprint,
            material.Custodians.Select(c => new CustodianResponse(c.Value, c.Key,
                version.Evidence?.GetValueOrDefault($"threshold.custodian.{c.Key.ToString(CultureInfo.InvariantCulture)}.country"))).ToList());
    }
}

/// <summary>A custodian holding share <paramref name="Index"/>.</summary>
public sealed record CustodianResponse(string Name, int Index, string? Country);

/// <summary>A page of keys.</summary>
public sealed record KeyListResponse(IReadOnlyList<KeyResponse> Keys, string? NextCursor);
