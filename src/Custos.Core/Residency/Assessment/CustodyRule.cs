using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// One step of the assessment's decision procedure. The rules are tried in order (<see cref="All"/>); the
/// first whose conditions hold decides the custody model. Each rule says which inputs triggered it, so
/// that every recommendation can name them. The procedure follows the guidance the project started from:
/// on-prem HSMs for the highest-assurance keys and where physical control is expected, a sovereign cloud
/// KMS with bring-your-own-key for developer-facing services, split-key custody for workloads that need
/// both legal isolation and high availability, and proportionate software custody for the rest.
/// </summary>
public sealed class CustodyRule
{
    private readonly Func<CategoryProfile, IReadOnlyList<string>> _triggers;

    private CustodyRule(int number, string id, KeyCustody model, string condition, string rationale, Func<CategoryProfile, IReadOnlyList<string>> triggers)
    {
        Number = number;
        Id = id;
        Model = model;
        Condition = condition;
        Rationale = rationale;
        _triggers = triggers;
    }

    /// <summary>Position in the procedure, from 1.</summary>
    public int Number { get; }
    /// <summary>Stable name (shown in output and docs).</summary>
    public string Id { get; }
    /// <summary>The custody it recommends.</summary>
    public KeyCustody Model { get; }
    /// <summary>When it applies, as a phrase ("developer-facing data at scale with moderate sensitivity").</summary>
    public string Condition { get; }
    /// <summary>Why that model fits those inputs.</summary>
    public string Rationale { get; }

    /// <summary>The inputs that make the rule apply to <paramref name="category"/> ("field: value"); empty when it does not apply.</summary>
    public IReadOnlyList<string> Triggers(CategoryProfile category) => _triggers(category);

    /// <summary>The decision procedure, in order.</summary>
    public static IReadOnlyList<CustodyRule> All { get; } =
    [
        new(1, "isolation-with-availability", KeyCustody.Threshold,
            "data that needs legal isolation from any single jurisdiction and high or critical availability",
            "Only a key split k-of-n across custodians in different jurisdictions is both out of reach of any single jurisdiction's legal process "
            + "and still usable when one site or custodian is lost. One HSM would give isolation but be a single point of failure, and the one "
            + "place an order needs to reach; spreading shares gives resilience and legal isolation at once.",
            c => c.LegalIsolation && c.Availability >= Availability.High
                ? ["legalIsolation: true", $"availability: {Name(c.Availability)}"]
                : []),
        new(2, "physical-control", KeyCustody.Hsm,
            "the highest sensitivity (secret), a physical-control requirement (given, or expected by a regime for restricted data), or legal isolation without high availability",
            "An HSM you operate, on your premises or in a colocation you control, gives the most legal and operational assurance: the key never "
            + "leaves hardware under your jurisdiction, and tamper logs and dual-control ceremonies prove it. Regulated sectors (financial "
            + "services, health, government) often expect exactly this physical control.",
            PhysicalControlTriggers),
        new(3, "developer-scale", KeyCustody.Remote,
            "developer-facing data at scale with moderate sensitivity (internal to restricted)",
            "Cloud-native teams need native SDKs, envelope encryption at scale and self-service. A cloud KMS in an EU sovereign region gives them "
            + "that with less operating burden than HSMs of your own; generating the key in your HSM and importing it (non-exportable) keeps its "
            + "lifecycle under your control, and the residency rule asks for the contracts that limit the provider's legal exposure.",
            c => c.DeveloperFacing && c.Sensitivity is >= Classification.Internal and <= Classification.Restricted
                ? ["developerFacing: true", $"sensitivity: {c.Sensitivity.Name()}"]
                : []),
        new(4, "high-assurance", KeyCustody.Hsm,
            "restricted data without developer-facing scale",
            "Restricted keys must be held in FIPS 140-3 level 3 modules (the provider requirement written for restricted and secret keys), "
            + "which a software keystore cannot meet; without a need for cloud-scale developer access, an HSM you operate is the direct way to it.",
            c => c.Sensitivity == Classification.Restricted ? ["sensitivity: restricted"] : []),
        new(5, "baseline", KeyCustody.Software,
            "everything else: public, internal or confidential data with none of the above",
            "Without a need for physical control, legal isolation or cloud scale, the sealed software keystore, under the same residency and access "
            + "rules, is proportionate: an HSM would add cost and operating burden without a matching risk.",
            c => [$"sensitivity: {c.Sensitivity.Name()}"]),
    ];

    private static List<string> PhysicalControlTriggers(CategoryProfile c)
    {
        var triggers = new List<string>();
        if (c.Sensitivity == Classification.Secret) triggers.Add("sensitivity: secret");
        if (c.PhysicalControl) triggers.Add("physicalControl: true");
        if (c.Sensitivity >= Classification.Restricted && c.Any(r => r.PhysicalControlExpected))
            triggers.Add($"sensitivity: {c.Sensitivity.Name()} under {c.RegimesWith(r => r.PhysicalControlExpected)}");
        if (c.LegalIsolation && c.Availability == Availability.Standard) triggers.Add("legalIsolation: true with availability: standard");
        return triggers;
    }

    /// <summary>Wire name of an availability.</summary>
    internal static string Name(Availability a) => a.ToString().ToLowerInvariant();
}
