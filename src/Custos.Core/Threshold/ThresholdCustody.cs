using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Residency;

namespace Custos.Core.Threshold;

/// <summary>
/// What the key service needs to know about threshold custody on this server: the custodians, and whether a spec may be
/// used for a key (valid, and allowed by the key's residency) before any custodian is asked to generate or reshare.
/// Registered only when custodians are configured.
/// </summary>
public sealed class ThresholdCustody(IThresholdCustodians custodians, ResidencyGuard residency)
{
    /// <summary>The custodians' network layer.</summary>
    public IThresholdCustodians Custodians => custodians;

    /// <summary>Null when <paramref name="spec"/> is valid and its custodians may hold shares of <paramref name="key"/>; else the 400 or 403 to answer.</summary>
    public async ValueTask<CustosError?> CheckAsync(KeyFacts key, ThresholdSpec spec, CancellationToken cancellationToken)
    {
        var known = custodians.Custodians;
        if (ThresholdSpecs.Validate(spec, known) is { } invalid) return invalid;
        return await residency.CheckCustodiansAsync(key, spec.Threshold, spec.MinJurisdictions, ThresholdSpecs.Resolve(spec, known), cancellationToken);
    }

    /// <summary>The audit record of a new group: who holds which share, and where.</summary>
    public AuditThreshold Describe(ThresholdMaterial material, ThresholdMaterial? previous = null) => new(
        material.Group.Fingerprint,
        material.Custodians.Values.Select(name => new AuditCustodian(name, "share", null, CountryOf(name))).ToList(),
        previous?.Group.Fingerprint,
        previous?.Custodians.Values.ToList());

    /// <summary>The configured country of a custodian; null when it is no longer configured.</summary>
    public string? CountryOf(string custodian) => custodians.Custodians.FirstOrDefault(c => c.Name == custodian)?.Location.Country;
}
