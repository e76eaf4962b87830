using Custos.Core.Keys;
using Custos.Core.Threshold;

namespace Custos.Core.Residency;

/// <summary>
/// The residency rules for the shares of a threshold key, judged before any key generation or resharing. Pure: no I/O.
/// <list type="number">
/// <item>Each custodian holds material, so each must comply with the key's requirements like any keystore (its allowed
/// jurisdictions and every residency rule selecting it).</item>
/// <item>No single jurisdiction outside the allowed set may reach k shares: when the requirements restrict jurisdictions,
/// every jurisdiction whose law can compel k or more of the custodians (by location, declared <c>compellableBy</c>, the
/// operator's headquarters and subprocessors) must be within each restricting source's allowed legal exposure (or, when a
/// source restricts no exposure, its allowed jurisdictions).</item>
/// <item>Any k custodians span at least <c>minJurisdictions</c> distinct countries.</item>
/// </list>
/// </summary>
public static class ThresholdResidency
{
    /// <summary>Every violation; empty when the custodians may hold the shares.</summary>
    public static IReadOnlyList<ResidencyViolation> Check(ResidencyRequirements requirements, int threshold, int minJurisdictions,
        IReadOnlyList<CustodianInfo> custodians, IReadOnlyDictionary<string, Provider> register)
    {
        var violations = new List<ResidencyViolation>();
        var key = ResidencyEvaluator.Describe(requirements.Key);
        ResidencyViolation Violation(string placement, string what) => new(key, requirements.Key.Id, null, placement, $"{key}: {what}");

        if (!requirements.IsEmpty)
            violations.AddRange(ResidencyEvaluator.Check(requirements, custodians.Select(Placement), register));

        var allowed = requirements.Sources.Select(s => s.AllowedLegalExposure ?? s.AllowedJurisdictions).OfType<IReadOnlyList<string>>().ToList();
        if (allowed.Count > 0)
        {
            var reach = new Dictionary<string, List<(CustodianInfo Custodian, string Reason)>>(StringComparer.Ordinal);
            foreach (var c in custodians)
            {
                foreach (var e in LegalExposure.Of(c.Location, register.GetValueOrDefault(c.Location.Operator)))
                {
                    if (!reach.TryGetValue(e.Jurisdiction, out var list)) reach[e.Jurisdiction] = list = [];
                    list.Add((c, e.Reason));
                }
            }
            foreach (var (jurisdiction, holders) in reach.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (holders.Count < threshold || allowed.TrueForAll(list => Jurisdictions.Within(jurisdiction, list))) continue;
                var names = string.Join(", ", holders.Select(h => $"'{h.Custodian.Name}' ({h.Reason})"));
                violations.Add(Violation($"custodians of {jurisdiction}",
                    $"the law of {jurisdiction}, outside the jurisdictions the key allows ({string.Join("; ", allowed.Select(l => string.Join(", ", l)))}), "
                    + $"can compel {holders.Count} of its custodians, enough for the threshold of {threshold}: {names}"));
            }
        }

        if (minJurisdictions > 1 && custodians.Count >= threshold)
        {
            // The k custodians spanning the fewest countries: take whole countries, most custodians first.
            var worst = new List<CustodianInfo>(threshold);
            var countries = new List<string>();
            foreach (var group in custodians.GroupBy(c => c.Location.Country, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                if (worst.Count >= threshold) break;
                countries.Add(group.Key);
                worst.AddRange(group.Take(threshold - worst.Count));
            }
            if (countries.Count < minJurisdictions)
                violations.Add(Violation("custodians " + string.Join(", ", worst.Select(c => $"'{c.Name}'")),
                    $"any {threshold} of its custodians must span at least {minJurisdictions} jurisdictions (minJurisdictions), but "
                    + $"{string.Join(", ", worst.Select(c => $"'{c.Name}' ({c.Location.Country})"))} span only {string.Join(", ", countries)}"));
        }
        return violations;
    }

    /// <summary>A custodian as a place holding material.</summary>
    public static Placement Placement(CustodianInfo custodian) => new($"custodian '{custodian.Name}'", custodian.Location, PlacementRole.Material);
}
