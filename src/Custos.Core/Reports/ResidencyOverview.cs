using System.Security.Cryptography;
using System.Text.Json;

namespace Custos.Core.Reports;

// The residency overview: every key whose material exists, where it lives now and whether it complies, in one document for
// an officer or a regulator. Stated by the server (from its configuration, the register and the policy in force), not
// proven by the log: its SHA-256 is recorded in its own report.residency-overview event, so the log proves the server said
// it then; each key's history, with proofs, is its residency report. The records are kept in one file: they only make
// sense together.

/// <summary>Where every key's material lives now, who could compel its holders, and whether it complies with residency.</summary>
public sealed record ResidencyOverview
{
    /// <summary>The format of this version of the overview.</summary>
    public const string FormatName = "custos-residency-overview/1";

    /// <summary>The audit operation of making an overview.</summary>
    public const string Operation = "report.residency-overview";

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }
    /// <summary>When the server made it.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>The node that made it.</summary>
    public required string Node { get; init; }
    /// <summary>That node's country, when it declares a location.</summary>
    public string? NodeCountry { get; init; }
    /// <summary>The policy version in force.</summary>
    public required int PolicyVersion { get; init; }
    /// <summary>The audit log's size when it was made; its own event comes after.</summary>
    public required long TreeSize { get; init; }
    /// <summary>Counts over the keys.</summary>
    public required OverviewTotals Totals { get; init; }
    /// <summary>Every key whose material exists, in id order.</summary>
    public required IReadOnlyList<OverviewKey> Keys { get; init; }

    /// <summary>Lower-case hex SHA-256 of the canonical JSON (compact, members in declaration order, no nulls): what its audit event records.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this, ReportJson.Default.ResidencyOverview)));
}

/// <summary>Counts over the keys of an overview.</summary>
public sealed record OverviewTotals
{
    /// <summary>Keys whose material exists.</summary>
    public required int Keys { get; init; }
    /// <summary>Those that comply with residency on this node.</summary>
    public required int Compliant { get; init; }
    /// <summary>Those that do not (stranded: refused for every use until the configuration, register or policy is fixed).</summary>
    public required int OutOfPolicy { get; init; }
    /// <summary>Keys by custody (wire name).</summary>
    public required IReadOnlyDictionary<string, int> ByCustody { get; init; }
    /// <summary>Keys by country holding their material (a key counts once per country; "none declared" when a holder declares none).</summary>
    public required IReadOnlyDictionary<string, int> ByMaterialCountry { get; init; }
}

/// <summary>One key in an overview.</summary>
public sealed record OverviewKey
{
    /// <summary>Key id.</summary>
    public required string Id { get; init; }
    /// <summary>Alias without "alias/".</summary>
    public string? Alias { get; init; }
    /// <summary>Classification (wire name).</summary>
    public required string Classification { get; init; }
    /// <summary>Custody (wire name).</summary>
    public required string Custody { get; init; }
    /// <summary>Lifecycle state (wire name).</summary>
    public required string State { get; init; }
    /// <summary>Countries where material may live and nodes serve (its own and the rules', intersected; sorted); null: unrestricted.</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; init; }
    /// <summary>Countries whose law alone may compel a holder (sorted); null: unrestricted.</summary>
    public IReadOnlyList<string>? AllowedLegalExposure { get; init; }
    /// <summary>The places holding its material or serving it on this node: keystores, custodians and the node.</summary>
    public required IReadOnlyList<OverviewPlacement> Placements { get; init; }
    /// <summary>Why it does not comply (each naming key, rule and place); empty when it complies.</summary>
    public required IReadOnlyList<string> Violations { get; init; }
}

/// <summary>A place in a key's custody now.</summary>
public sealed record OverviewPlacement
{
    /// <summary>How messages name it: "keystore 'hsm:custos'", "custodian 'trustee-at'", "node 'fra-1'".</summary>
    public required string Name { get; init; }
    /// <summary>material (holds material or a share) or serving (serves requests with the key).</summary>
    public required string Role { get; init; }
    /// <summary>Its country; null when it declares no location.</summary>
    public string? Country { get; init; }
    /// <summary>Its region or site.</summary>
    public string? Region { get; init; }
    /// <summary>Its operator's provider id.</summary>
    public string? Operator { get; init; }
    /// <summary>Every jurisdiction whose law can compel its operator (location, declared, headquarters, subprocessors), under the register now.</summary>
    public required IReadOnlyList<string> CompellableBy { get; init; }
}
