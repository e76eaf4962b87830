using Custos.Core.Access.Policy;
using Custos.Core.Keys;

namespace Custos.Core.Residency;

/// <summary>One source of residency requirements on a key: a residency rule of the policy, or the key's own allowed jurisdictions.</summary>
/// <param name="RuleId">The rule; null for the key's own <c>allowedJurisdictions</c>.</param>
/// <param name="AllowedJurisdictions">Where material may live and nodes serve (null: no restriction).</param>
/// <param name="AllowedLegalExposure">The only jurisdictions whose law may compel an operator (null: no restriction).</param>
/// <param name="Provider">What each provider must have (null: nothing).</param>
public sealed record RequirementSource(string? RuleId, IReadOnlyList<string>? AllowedJurisdictions, IReadOnlyList<string>? AllowedLegalExposure, ProviderRequirements? Provider)
{
    /// <summary>"rule 'eu-only'" or "the key's allowedJurisdictions", for messages.</summary>
    public string Name => RuleId is null ? "the key's allowedJurisdictions" : $"rule '{RuleId}'";
}

/// <summary>
/// Everything that applies to one key: its own allowed jurisdictions and every residency rule of the policy
/// selecting it. They add up: a location must satisfy each source, so the effective allowed jurisdictions and
/// legal exposure are the intersection of the sources' lists and the provider requirements their union.
/// </summary>
public sealed record ResidencyRequirements(KeyFacts Key, IReadOnlyList<RequirementSource> Sources)
{
    /// <summary>True when nothing restricts the key.</summary>
    public bool IsEmpty => Sources.Count == 0;

    /// <summary>The countries where material may live and nodes serve (the intersection); null when no source restricts them.</summary>
    public IReadOnlySet<string>? Countries => Intersect(Sources.Select(s => s.AllowedJurisdictions));

    /// <summary>The countries whose law alone may compel an operator (the intersection); null when no source restricts them.</summary>
    public IReadOnlySet<string>? LegalExposure => Intersect(Sources.Select(s => s.AllowedLegalExposure));

    /// <summary>What every provider must have: the union of the sources' requirements (the highest FIPS level).</summary>
    public ProviderRequirements Provider
    {
        get
        {
            var all = Sources.Select(s => s.Provider).OfType<ProviderRequirements>().ToList();
            return new ProviderRequirements
            {
                Dpa = all.Exists(p => p.Dpa),
                Sccs = all.Exists(p => p.Sccs),
                AuditRights = all.Exists(p => p.AuditRights),
                NotifyAndContest = all.Exists(p => p.NotifyAndContest),
                EuOnlyStaffing = all.Exists(p => p.EuOnlyStaffing),
                Fips140Level = all.Max(p => p.Fips140Level),
                Iso27001 = all.Exists(p => p.Iso27001),
                Soc2 = all.Exists(p => p.Soc2),
                CommonCriteria = all.Exists(p => p.CommonCriteria),
            };
        }
    }

    private static HashSet<string>? Intersect(IEnumerable<IReadOnlyList<string>?> lists)
    {
        HashSet<string>? result = null;
        foreach (var list in lists)
        {
            if (list is null) continue;
            var countries = new HashSet<string>(list.SelectMany(Jurisdictions.Countries), StringComparer.Ordinal);
            if (result is null) result = countries;
            else result.IntersectWith(countries);
        }
        return result;
    }
}
