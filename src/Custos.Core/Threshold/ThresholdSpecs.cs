using Custos.Core.Errors;

namespace Custos.Core.Threshold;

/// <summary>Checks a <see cref="ThresholdSpec"/> against the custodians this server knows, before anything is asked of them.</summary>
public static class ThresholdSpecs
{
    /// <summary>Fewest shares an unwrap may need: with k = 1 a single custodian could unwrap alone.</summary>
    public const int MinThreshold = 2;

    /// <summary>
    /// Null when <paramref name="spec"/> is usable with <paramref name="known"/>, else a validation error that says what is
    /// wrong: k below 2 or above n, more than 255 custodians, a custodian named twice or not configured here, or a jurisdiction
    /// requirement outside 1…k.
    /// </summary>
    public static CustosError? Validate(ThresholdSpec spec, IReadOnlyList<CustodianInfo> known)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int k = spec.Threshold, n = spec.Custodians.Count;
        if (k < MinThreshold) return CustosError.Invalid($"threshold.k is at least {MinThreshold} (with k = {k} one custodian could unwrap alone)");
        if (n == 0) return CustosError.Invalid("threshold.custodians names the custodians to hold shares; it is empty");
        if (n > Crypto.Threshold.ThresholdGroup.MaxParticipants)
            return CustosError.Invalid($"threshold.custodians names at most {Crypto.Threshold.ThresholdGroup.MaxParticipants} custodians; it names {n}");
        if (k > n) return CustosError.Invalid($"threshold.k ({k}) is more than the number of custodians ({n})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in spec.Custodians)
        {
            if (!seen.Add(name)) return CustosError.Invalid($"threshold.custodians names custodian '{Short(name)}' twice");
            if (!known.Any(c => c.Name == name))
                return CustosError.Invalid($"unknown custodian '{Short(name)}' (configured on this server: {(known.Count == 0 ? "none" : string.Join(", ", known.Select(c => c.Name)))})");
        }
        if (spec.MinJurisdictions < 1 || spec.MinJurisdictions > k)
            return CustosError.Invalid($"threshold.minJurisdictions is 1 to k ({k}); it is {spec.MinJurisdictions}");
        return null;
    }

    /// <summary>The custodians of <paramref name="spec"/> with their locations, in its order (validate it first).</summary>
    public static IReadOnlyList<CustodianInfo> Resolve(ThresholdSpec spec, IReadOnlyList<CustodianInfo> known) =>
        spec.Custodians.Select(name => known.First(c => c.Name == name)).ToList();

    private static string Short(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
