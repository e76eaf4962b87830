using System.Net;
using Custos.Core.Keys;
using Custos.Core.Threshold;

namespace Custos.Core.Access.Policy;

/// <summary>
/// The facts about a key that rules can select on, and what residency needs besides: the key's own allowed
/// jurisdictions, the keystores that hold (or are about to hold) its material, and for a threshold key the custodians
/// holding its shares.
/// </summary>
public sealed record KeyFacts(string? Id, string? Alias, Classification Classification, IReadOnlyList<string> DataCategories, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Countries or blocs the key itself allows (<see cref="KeyAttributes.AllowedJurisdictions"/>); empty: no restriction of its own.</summary>
    public IReadOnlyList<string> AllowedJurisdictions { get; init; } = [];

    /// <summary>
    /// Names of the keystores holding material of the key (every version not destroyed), plus, for a creation or a
    /// rotation, the keystore the new material is about to be made in.
    /// </summary>
    public IReadOnlyList<string> Keystores { get; init; } = [];

    /// <summary>
    /// For a threshold key, who holds the shares of each version not destroyed (each distinct set once); empty for other
    /// custodies. Each custodian holds material, so residency judges it like a keystore (<see cref="Residency.ThresholdResidency"/>).
    /// </summary>
    public IReadOnlyList<ThresholdHolders> Shares { get; init; } = [];

    /// <summary>The facts of an existing key.</summary>
    public static KeyFacts Of(ManagedKey key) =>
        new(key.Id, key.Alias, key.Attributes.Classification, key.Attributes.DataCategories, key.Attributes.Tags)
        {
            AllowedJurisdictions = key.Attributes.AllowedJurisdictions,
            Keystores = LiveKeystores(key),
            Shares = key.Custody == KeyCustody.Threshold ? LiveShares(key) : [],
        };

    /// <summary>The facts of a key about to be created (it has no id yet).</summary>
    public static KeyFacts Of(string? alias, KeyAttributes attributes) =>
        new(null, alias, attributes.Classification, attributes.DataCategories, attributes.Tags)
        {
            AllowedJurisdictions = attributes.AllowedJurisdictions,
        };

    /// <summary>The keystores holding material of versions that are not destroyed, each once, in version order.</summary>
    public static IReadOnlyList<string> LiveKeystores(ManagedKey key)
    {
        var versions = key.Versions;
        if (versions.Count == 1) return versions[0].Material is null ? [] : [versions[0].Keystore];
        var names = new List<string>(1);
        foreach (var v in versions)
        {
            if (v.Material is not null && !names.Contains(v.Keystore)) names.Add(v.Keystore);
        }
        return names;
    }

    /// <summary>Who holds the shares of each threshold version not destroyed, each distinct set once, leaving out version <paramref name="except"/>.</summary>
    public static IReadOnlyList<ThresholdHolders> LiveShares(ManagedKey key, int? except = null)
    {
        var shares = new List<ThresholdHolders>(1);
        foreach (var v in key.Versions)
        {
            if (v.Material is null || v.Number == except || ThresholdMaterial.TryReadHolders(v.Material) is not { } holders) continue;
            if (!shares.Exists(h => h.Same(holders))) shares.Add(holders);
        }
        return shares;
    }

    /// <summary>How the key is named in messages.</summary>
    public string Describe() => Id ?? (Alias is not null ? "alias/" + Alias : "a new key");
}

/// <summary>One request as the policy sees it: who, what, which key (none for keyless operations), and the circumstances.</summary>
public sealed record AccessRequest(
    Principal Principal,
    Operation Operation,
    KeyFacts? Key,
    string? Justification,
    IPAddress? ClientAddress,
    DateTimeOffset Time);

/// <summary>What the policy decided.</summary>
public enum DecisionKind
{
    /// <summary>Allowed now.</summary>
    Allow,
    /// <summary>Refused.</summary>
    Deny,
    /// <summary>Allowed once approvals (or a live grant) are there.</summary>
    ApprovalRequired,
}

/// <summary>How one rule related to the request, for <c>policy explain</c>.</summary>
public sealed record RuleTrace(string RuleId, PolicyEffect Effect, bool Applies, string Why);

/// <summary>
/// A decision, the rule that made it (<see cref="PolicyDecision.DefaultDeny"/> when none did), a reason
/// fit for a 403, and the trace of every rule.
/// </summary>
public sealed record PolicyDecision(
    DecisionKind Kind,
    string RuleId,
    string Reason,
    ApprovalRequirement? Approvals,
    RateCondition? Rate,
    int PolicyVersion,
    IReadOnlyList<RuleTrace> Trace)
{
    /// <summary>The pseudo-rule that refuses what no rule allows.</summary>
    public const string DefaultDeny = "default-deny";
}
