using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// One of the custody models the assessment recommends (DESIGN.md, "The three custody models", plus the
/// sealed software keystore), with the trade-offs that come with it whatever the category.
/// </summary>
/// <param name="Custody">The key custody that implements it.</param>
/// <param name="Title">The model, for people.</param>
/// <param name="Pattern">How keys are held and used under it.</param>
/// <param name="Implemented">Whether this Custos can create keys with this custody yet.</param>
/// <param name="TradeOffs">What choosing it costs.</param>
public sealed record CustodyModel(KeyCustody Custody, string Title, string Pattern, bool Implemented, IReadOnlyList<string> TradeOffs)
{
    /// <summary>On-prem HSM (pattern A).</summary>
    public static CustodyModel Hsm { get; } = new(KeyCustody.Hsm, "on-prem HSM",
        "the key-encryption key is generated in and never leaves a PKCS#11 HSM you operate; Custos asks the HSM to wrap and unwrap data keys",
        Implemented: true,
        [
            "capital cost and operating burden: high availability and disaster recovery need a second HSM, encrypted key backups and practised ceremonies",
            "an HSM serves a bounded number of operations per second: wrap only data keys (envelope encryption) and let applications cache data keys briefly",
            "cloud-native services reach the HSM through Custos rather than a provider SDK, which costs some latency and integration work",
        ]);

    /// <summary>Sovereign cloud KMS with bring-your-own-key (pattern B).</summary>
    public static CustodyModel Remote { get; } = new(KeyCustody.Remote, "sovereign cloud KMS + BYOK",
        "the key-encryption key is generated in your HSM, imported (non-exportable) into an HSM-backed cloud KMS in an EU sovereign region, and used there through Custos",
        Implemented: false,
        [
            "residual legal risk: a provider subject to non-EU law can be compelled; contracts (DPA, audit rights, notify-and-contest, EU-only staff) and bring-your-own-key reduce that risk but do not remove it",
            "import, export and deletion rules differ per provider: confirm that an imported key cannot be exported, and read the DPA and subprocessor list",
            "a cost per operation, but far less operating burden than HSMs of your own",
        ]);

    /// <summary>Split-key threshold custody across jurisdictions (pattern C).</summary>
    public static CustodyModel Threshold { get; } = new(KeyCustody.Threshold, "split-key threshold across jurisdictions",
        "the key-encryption key is split k-of-n across custodians in different jurisdictions (one of them on-prem); k custodians each compute a partial result and the key is never reassembled",
        Implemented: false,
        [
            "operating complexity: custodians in several jurisdictions, each with its operator, location and contract, and a quorum procedure for using shares",
            "latency: every unwrap waits for k custodians; design for data-key caching and asynchronous access",
            "a higher cost per operation, and an unwrap path that is harder for application teams to reason about",
        ]);

    /// <summary>The sealed software keystore.</summary>
    public static CustodyModel Software { get; } = new(KeyCustody.Software, "software keystore",
        "the key is stored wrapped under Custos's root key, which exists only in memory after unseal",
        Implemented: true,
        [
            "no tamper-resistant hardware and no FIPS 140-3 level 3: the key is as safe as the Custos nodes' memory and the unseal shares",
            "the cheapest and simplest model; it scales with Custos nodes (PostgreSQL for several nodes)",
        ]);

    /// <summary>The model of a custody.</summary>
    public static CustodyModel For(KeyCustody custody) => custody switch
    {
        KeyCustody.Hsm => Hsm,
        KeyCustody.Remote => Remote,
        KeyCustody.Threshold => Threshold,
        KeyCustody.Software => Software,
        _ => throw new ArgumentOutOfRangeException(nameof(custody)),
    };
}
