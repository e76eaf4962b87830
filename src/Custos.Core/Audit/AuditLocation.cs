namespace Custos.Core.Audit;

/// <summary>
/// Where the material of a key version was made, as an audit event records it: the keystore, its country
/// (and region), its operator in the legal register, and every jurisdiction whose law can compel that operator
/// (the country itself, what the location declares, the operator's headquarters and subprocessors).
/// </summary>
/// <param name="Keystore">The keystore's name ("software", "hsm:LABEL").</param>
/// <param name="Country">ISO 3166-1 alpha-2 country.</param>
/// <param name="Operator">The provider id of its operator.</param>
/// <param name="CompellableBy">Countries or blocs whose law can compel the operator.</param>
/// <param name="Region">Region or site, when declared.</param>
public sealed record AuditLocation(string Keystore, string Country, string Operator, IReadOnlyList<string> CompellableBy, string? Region = null);
