namespace Custos.Core.Residency.Assessment;

/// <summary>
/// A regulatory regime a data category falls under, and what the assessment takes from it: whether the
/// data is personal (a provider holding keys needs a DPA), whether each use of a key should state why,
/// whether its supervisors expect physical control of the keys of its most sensitive data, and whether
/// contracts with providers must grant audit rights. A closed set: <see cref="All"/>.
/// </summary>
/// <param name="Code">The name used in the categories file.</param>
/// <param name="Title">The regime, for people.</param>
/// <param name="PersonalData">The data is personal data under the GDPR.</param>
/// <param name="JustificationRequired">Every use of a key should carry a recorded reason (need-to-know, accountability).</param>
/// <param name="PhysicalControlExpected">For restricted or secret data, supervisors expect keys under the organisation's physical control.</param>
/// <param name="AuditRightsRequired">Contracts with the providers holding the keys must grant audit rights.</param>
/// <param name="Why">What the regime asks, in one or two sentences, for the reasons shown to people.</param>
public sealed record Regime(string Code, string Title, bool PersonalData, bool JustificationRequired, bool PhysicalControlExpected, bool AuditRightsRequired, string Why)
{
    /// <summary>Every known regime, in the order they are documented.</summary>
    public static IReadOnlyList<Regime> All { get; } =
    [
        new("gdpr", "GDPR (personal data)", PersonalData: true, JustificationRequired: false, PhysicalControlExpected: false, AuditRightsRequired: false,
            "personal data: a provider that holds its keys processes it for you and needs a data processing agreement (GDPR art. 28)"),
        new("gdpr-special", "GDPR special categories (art. 9)", PersonalData: true, JustificationRequired: true, PhysicalControlExpected: true, AuditRightsRequired: false,
            "special-category personal data (health, biometrics, beliefs, ...): you must be able to show why each access happened, and supervisors expect the strongest custody"),
        new("health", "Health data", PersonalData: true, JustificationRequired: true, PhysicalControlExpected: true, AuditRightsRequired: false,
            "health data (GDPR art. 9 and national health-data law): health is one of the regulated sectors where supervisors expect physical control of keys, and each access needs a recorded reason"),
        new("pci-dss", "PCI DSS (cardholder data)", PersonalData: true, JustificationRequired: true, PhysicalControlExpected: true, AuditRightsRequired: false,
            "cardholder data: keys kept in as few places as possible, preferably in secure cryptographic devices, with access on a logged business need-to-know (PCI DSS req. 3.6, 7 and 10)"),
        new("dora", "DORA (financial entities)", PersonalData: false, JustificationRequired: true, PhysicalControlExpected: true, AuditRightsRequired: true,
            "financial-sector ICT risk: contracts with ICT providers must grant audit rights (DORA art. 30), and financial supervisors expect demonstrable control of keys"),
        new("nis2", "NIS2 (essential and important entities)", PersonalData: false, JustificationRequired: false, PhysicalControlExpected: false, AuditRightsRequired: true,
            "supply-chain security (NIS2 art. 21): you must be able to assess and audit the providers your keys depend on"),
        new("trade-secrets", "Trade secrets (Directive (EU) 2016/943)", PersonalData: false, JustificationRequired: true, PhysicalControlExpected: false, AuditRightsRequired: false,
            "trade secrets stay protected only while reasonable steps keep them secret: need-to-know access with a stated reason"),
        new("government", "Public sector / classified", PersonalData: false, JustificationRequired: true, PhysicalControlExpected: true, AuditRightsRequired: false,
            "public-sector or classified information under national rules: government is one of the sectors where keys are expected under the organisation's physical control"),
    ];

    /// <summary>The regime named <paramref name="code"/> (ignoring case), or null.</summary>
    public static Regime? Find(string? code) => All.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>The codes as one comma-separated line, for error messages.</summary>
    public static string CodeList { get; } = string.Join(", ", All.Select(r => r.Code));
}
