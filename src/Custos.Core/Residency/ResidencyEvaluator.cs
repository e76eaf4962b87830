using Custos.Core.Access.Policy;
using Custos.Core.Keys;

namespace Custos.Core.Residency;

/// <summary>
/// Decides whether a key's custody complies with its residency requirements, and explains every way it does not.
/// A location complies with a key when, for the key's own allowed jurisdictions and for every residency rule
/// selecting the key: its country is allowed; every jurisdiction that can compel its operator (the country it is
/// in, what it declares, the operator's headquarters and subprocessors) is within the allowed legal exposure; and
/// its provider has the contracts and certifications required (module certifications only where material is held).
/// Pure: no I/O, no clock.
/// </summary>
public static class ResidencyEvaluator
{
    /// <summary>The requirements on <paramref name="key"/>: its own allowed jurisdictions, then every residency rule of <paramref name="policy"/> selecting it, in policy order.</summary>
    public static ResidencyRequirements RequirementsFor(KeyFacts key, PolicyDocument policy)
    {
        var rules = policy.Residency;
        if (key.AllowedJurisdictions.Count == 0 && rules is not { Count: > 0 }) return new ResidencyRequirements(key, []);
        var sources = new List<RequirementSource>();
        if (key.AllowedJurisdictions.Count > 0) sources.Add(new RequirementSource(null, key.AllowedJurisdictions, null, null));
        foreach (var rule in rules ?? [])
        {
            if (PolicyEvaluator.Selects(rule.Keys, key))
                sources.Add(new RequirementSource(rule.Id, rule.AllowedJurisdictions, rule.AllowedLegalExposure, rule.Provider));
        }
        return new ResidencyRequirements(key, sources);
    }

    /// <summary>
    /// Every violation by the places a use of the key on this node involves: its keystores and the node
    /// (<see cref="LocationMap.PlacementsFor"/>), and for a threshold key the custodians holding each version's shares that
    /// are configured here (<see cref="ThresholdResidency"/>); empty when they comply.
    /// </summary>
    public static IReadOnlyList<ResidencyViolation> CheckKey(ResidencyRequirements requirements, LocationMap locations, IReadOnlyDictionary<string, Provider> register)
    {
        var key = requirements.Key;
        var violations = Check(requirements, locations.PlacementsFor(key), register);
        if (key.Shares.Count == 0) return violations;
        var all = new List<ResidencyViolation>(violations);
        foreach (var holders in key.Shares)
        {
            foreach (var v in ThresholdResidency.Check(requirements, holders.Threshold, holders.MinJurisdictions, locations.Custodians(holders.Custodians), register))
            {
                if (!all.Exists(a => a.Message == v.Message)) all.Add(v); // versions sharing custodians break the same way
            }
        }
        return all;
    }

    /// <summary>Every violation of <paramref name="requirements"/> by the <paramref name="placements"/>; empty when they comply.</summary>
    public static IReadOnlyList<ResidencyViolation> Check(ResidencyRequirements requirements, IEnumerable<Placement> placements,
        IReadOnlyDictionary<string, Provider> register)
    {
        if (requirements.IsEmpty) return [];
        var violations = new List<ResidencyViolation>();
        foreach (var placement in placements) Check(requirements, placement, register, violations);
        return violations;
    }

    /// <summary>Every violation of <paramref name="requirements"/> by one <paramref name="placement"/>.</summary>
    public static IReadOnlyList<ResidencyViolation> Check(ResidencyRequirements requirements, Placement placement, IReadOnlyDictionary<string, Provider> register) =>
        Check(requirements, [placement], register);

    /// <summary>How a key is named in explanations: "key key_01… (alias/payments, restricted)", "new key alias/payments (restricted)".</summary>
    public static string Describe(KeyFacts key)
    {
        var classification = key.Classification.Name();
        return (key.Id, key.Alias) switch
        {
            ({ } id, { } alias) => $"key {id} (alias/{alias}, {classification})",
            ({ } id, null) => $"key {id} ({classification})",
            (null, { } alias) => $"new key alias/{alias} ({classification})",
            _ => $"the new key ({classification})",
        };
    }

    private static void Check(ResidencyRequirements requirements, Placement placement, IReadOnlyDictionary<string, Provider> register, List<ResidencyViolation> violations)
    {
        var key = Describe(requirements.Key);
        void Fail(RequirementSource source, string what) =>
            violations.Add(new ResidencyViolation(key, requirements.Key.Id, source.RuleId, placement.Name, $"{key}: {source.Name} {what}"));

        var location = placement.Location;
        if (location is null)
        {
            foreach (var source in requirements.Sources)
                Fail(source, $"restricts where the key may live and be served, but {placement.Name} declares no location");
            return;
        }
        var provider = register.GetValueOrDefault(location.Operator);
        IReadOnlyList<Exposure>? exposure = null;
        foreach (var source in requirements.Sources)
        {
            if (source.AllowedJurisdictions is { } allowed && !Jurisdictions.Covers(allowed, location.Country))
                Fail(source, $"allows {string.Join(", ", allowed)}, but {placement.Name} is in {location.Country}");
            bool needsProvider = source.AllowedLegalExposure is not null || Demands(source.Provider, placement.Role);
            if (needsProvider && provider is null)
            {
                Fail(source, $"sets requirements on the operator of {placement.Name}, but its provider '{location.Operator}' is not in the legal register");
                continue;
            }
            if (source.AllowedLegalExposure is { } allowedExposure)
            {
                exposure ??= LegalExposure.Of(location, provider);
                var outside = exposure.Where(e => !Jurisdictions.Within(e.Jurisdiction, allowedExposure)).ToList();
                if (outside.Count > 0)
                    Fail(source, $"allows legal exposure to {string.Join(", ", allowedExposure)} only, but the operator of {placement.Name} can be compelled under the law of "
                        + string.Join(", ", outside.Select(e => $"{e.Jurisdiction} ({e.Reason})")));
            }
            if (source.Provider is { } required)
            {
                foreach (var (requirement, has) in Missing(required, provider!, placement.Role))
                    Fail(source, $"requires {requirement} of provider '{provider!.Id}' ({has}), operator of {placement.Name}");
            }
        }
    }

    /// <summary>True when <paramref name="required"/> asks anything of a provider in <paramref name="role"/>.</summary>
    private static bool Demands(ProviderRequirements? required, PlacementRole role) =>
        required is { } r && (r.Dpa || r.Sccs || r.AuditRights || r.NotifyAndContest || r.EuOnlyStaffing || r.Iso27001 || r.Soc2
            || (role == PlacementRole.Material && (r.Fips140Level is not null || r.CommonCriteria)));

    /// <summary>Each requirement the provider does not meet, and what it has instead.</summary>
    private static IEnumerable<(string Requirement, string Has)> Missing(ProviderRequirements required, Provider p, PlacementRole role)
    {
        const string None = "none recorded";
        if (required.Dpa && p.Dpa is null) yield return ("a DPA", None);
        if (required.Sccs && !p.Sccs) yield return ("standard contractual clauses", None);
        if (required.AuditRights && !p.AuditRights) yield return ("audit rights", None);
        if (required.NotifyAndContest && p.LawEnforcement is not { Notify: true, Contest: true })
        {
            var has = p.LawEnforcement switch
            {
                { Notify: true } => "it commits to notify only",
                { Contest: true } => "it commits to contest only",
                _ => None,
            };
            yield return ("a commitment to notify of and contest law-enforcement requests", has);
        }
        if (required.EuOnlyStaffing && !p.EuOnlyStaffing) yield return ("EU-only staffing", "not recorded");
        if (required.Iso27001 && p.Certifications?.Iso27001 != true) yield return ("an ISO/IEC 27001 certification", None);
        if (required.Soc2 && p.Certifications?.Soc2 != true) yield return ("a SOC 2 report", None);
        if (role != PlacementRole.Material) yield break;
        if (required.Fips140Level is { } level && (p.Certifications?.Fips140Level ?? 0) < level)
            yield return ($"FIPS 140-3 level {level}", p.Certifications?.Fips140Level is { } hasLevel ? $"has level {hasLevel}" : "has none");
        if (required.CommonCriteria && p.Certifications?.CommonCriteria is null) yield return ("a Common Criteria certification", None);
    }
}
