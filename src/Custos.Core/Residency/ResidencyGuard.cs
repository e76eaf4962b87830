using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Core.Residency;

/// <summary>
/// The residency step of the guard pipeline: before a key is created, rotated, changed or used on this node, its
/// residency requirements (its allowed jurisdictions and the policy's residency rules selecting it) must hold for
/// every keystore holding its material and for this node; otherwise the request is refused with
/// <see cref="ErrorCode.ResidencyViolation"/>, naming key, rule and what failed.
/// </summary>
public sealed class ResidencyGuard(ActivePolicy policy, LegalRegister register, LocationMap locations)
{
    /// <summary>The locations this node knows.</summary>
    public LocationMap Locations => locations;

    /// <summary>
    /// Null when <paramref name="key"/> (with <see cref="KeyFacts.Keystores"/> naming where its material is or will be, and
    /// <see cref="KeyFacts.Shares"/> the custodians of a threshold key) complies on this node.
    /// </summary>
    public async ValueTask<CustosError?> CheckAsync(KeyFacts key, CancellationToken cancellationToken)
    {
        var active = await policy.GetAsync(cancellationToken);
        var requirements = ResidencyEvaluator.RequirementsFor(key, active.Document);
        if (requirements.IsEmpty && key.Shares.Count == 0) return null; // custodians' minJurisdictions holds without requirements
        var providers = await register.GetAsync(cancellationToken);
        var violations = ResidencyEvaluator.CheckKey(requirements, locations, providers);
        return violations.Count == 0 ? null : Refusal(violations);
    }

    /// <summary>
    /// Null when the shares of <paramref name="key"/> may be held by <paramref name="custodians"/> with threshold
    /// <paramref name="threshold"/> (see <see cref="ThresholdResidency"/>), else the refusal naming custodians and jurisdictions.
    /// </summary>
    public async ValueTask<CustosError?> CheckCustodiansAsync(KeyFacts key, int threshold, int minJurisdictions,
        IReadOnlyList<Threshold.CustodianInfo> custodians, CancellationToken cancellationToken)
    {
        var active = await policy.GetAsync(cancellationToken);
        var requirements = ResidencyEvaluator.RequirementsFor(key, active.Document);
        var providers = await register.GetAsync(cancellationToken);
        var violations = ThresholdResidency.Check(requirements, threshold, minJurisdictions, custodians, providers);
        return violations.Count == 0 ? null : Refusal(violations);
    }

    /// <summary>The refusal for <paramref name="violations"/>: every explanation, in order.</summary>
    public static CustosError Refusal(IReadOnlyList<ResidencyViolation> violations) =>
        new(ErrorCode.ResidencyViolation, string.Join("; ", violations.Select(v => v.Message)));

    /// <summary>Where material made in <paramref name="keystore"/> lives, for its audit event; null when the keystore declares no location.</summary>
    public async ValueTask<AuditLocation?> DescribeAsync(string keystore, CancellationToken cancellationToken)
    {
        if (locations.LocationOf(keystore) is not { } location) return null;
        var providers = await register.GetAsync(cancellationToken);
        var exposure = LegalExposure.Of(location, providers.GetValueOrDefault(location.Operator));
        return new AuditLocation(keystore, location.Country, location.Operator, exposure.Select(e => e.Jurisdiction).ToList(),
            location.Region is { Length: > 0 } r ? r : null);
    }
}
