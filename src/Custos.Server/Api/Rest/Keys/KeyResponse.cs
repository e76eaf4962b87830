using Custos.Core.Keys;

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
        k.Versions.Select(v => new KeyVersionResponse(v.Number, v.State.Name(), v.Keystore, v.CreatedAt, v.DestroyedAt, v.Evidence)).ToList());
}

/// <summary>One version as the API shows it.</summary>
public sealed record KeyVersionResponse(int Version, string State, string Keystore, DateTimeOffset CreatedAt, DateTimeOffset? DestroyedAt,
    IReadOnlyDictionary<string, string>? Evidence);

/// <summary>A page of keys.</summary>
public sealed record KeyListResponse(IReadOnlyList<KeyResponse> Keys, string? NextCursor);
