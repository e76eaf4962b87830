using System.Security.Cryptography;
using System.Text.Json;
using Custos.Core.Access.Policy;
using Custos.Core.Residency;

namespace Custos.Core.Reports;

// The statement of a residency report: what the server states at report time that no event of the log carries (the key's
// current attributes, the residency requirements in force, the register entries it quotes) and how it searched the log.
// Its SHA-256 (canonical JSON, see Sha256) is recorded in the report's own report.residency event, so that an edited
// statement fails verification; the log proves the server said it then, not that it is true. The records are kept in one
// file on purpose: each is a few members and they only make sense together.

/// <summary>The statement of a residency report: stated by the server, bound to the report by the SHA-256 its attestation event records.</summary>
public sealed record ReportStatement
{
    /// <summary>When the server made the report.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>The node that made it.</summary>
    public required string Node { get; init; }
    /// <summary>That node's country, when it declares a location.</summary>
    public string? NodeCountry { get; init; }
    /// <summary>The key as it is now.</summary>
    public required StatedKey Key { get; init; }
    /// <summary>The residency requirements on the key now (its own allowed jurisdictions and the policy's residency rules).</summary>
    public required StatedRequirements Requirements { get; init; }
    /// <summary>The register entries of the operators the key's versions were made at, in id order.</summary>
    public required IReadOnlyList<StatedProvider> Providers { get; init; }
    /// <summary>Where shares of the key are placed, in words ("none: ...").</summary>
    public required string Shares { get; init; }
    /// <summary>For a threshold key: each version's custodians as configured on the server now, where they are and who can compel them; null otherwise.</summary>
    public IReadOnlyList<StatedShares>? SharePlacements { get; init; }
    /// <summary>Which events the report relies on.</summary>
    public required StatedEvents Events { get; init; }

    /// <summary>Lower-case hex SHA-256 of the statement's canonical JSON (compact, members in declaration order, no nulls): what the attestation event records.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this, ReportJson.Default.ReportStatement)));
}

/// <summary>The key's inventory record at report time.</summary>
public sealed record StatedKey
{
    /// <summary>Key id.</summary>
    public required string Id { get; init; }
    /// <summary>Alias without "alias/".</summary>
    public string? Alias { get; init; }
    /// <summary>Purpose (wire name).</summary>
    public required string Purpose { get; init; }
    /// <summary>Custody (wire name).</summary>
    public required string Custody { get; init; }
    /// <summary>Algorithm (wire name).</summary>
    public required string Spec { get; init; }
    /// <summary>Lifecycle state (wire name).</summary>
    public required string State { get; init; }
    /// <summary>Classification (wire name).</summary>
    public required string Classification { get; init; }
    /// <summary>Owner.</summary>
    public required string Owner { get; init; }
    /// <summary>Description.</summary>
    public required string Description { get; init; }
    /// <summary>Data categories.</summary>
    public required IReadOnlyList<string> DataCategories { get; init; }
    /// <summary>The key's own allowed jurisdictions.</summary>
    public required IReadOnlyList<string> AllowedJurisdictions { get; init; }
    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The primary version.</summary>
    public required int PrimaryVersion { get; init; }
    /// <summary>Every version, in order.</summary>
    public required IReadOnlyList<StatedVersion> Versions { get; init; }
}

/// <summary>A version as the key's record holds it.</summary>
public sealed record StatedVersion
{
    /// <summary>Version number.</summary>
    public required int Number { get; init; }
    /// <summary>enabled or destroyed.</summary>
    public required string State { get; init; }
    /// <summary>The keystore holding (or that held) its material.</summary>
    public required string Keystore { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When its material was destroyed.</summary>
    public DateTimeOffset? DestroyedAt { get; init; }
    /// <summary>What the keystore attested when it was made (HSM attributes), as the key's record holds it.</summary>
    public IReadOnlyDictionary<string, string>? Evidence { get; init; }
}

/// <summary>The residency requirements on the key at report time.</summary>
public sealed record StatedRequirements
{
    /// <summary>The policy version in force.</summary>
    public required int PolicyVersion { get; init; }
    /// <summary>Countries where material may live and nodes serve (the intersection of the sources, blocs expanded, sorted); null: unrestricted.</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; init; }
    /// <summary>Countries whose law alone may compel an operator (sorted); null: unrestricted.</summary>
    public IReadOnlyList<string>? AllowedLegalExposure { get; init; }
    /// <summary>Each source: the key's own allowed jurisdictions (no rule) and each residency rule selecting the key.</summary>
    public required IReadOnlyList<StatedRequirementSource> Sources { get; init; }
}

/// <summary>One source of requirements.</summary>
public sealed record StatedRequirementSource
{
    /// <summary>The residency rule; null for the key's own allowed jurisdictions.</summary>
    public string? Rule { get; init; }
    /// <summary>Its allowed jurisdictions, as written.</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; init; }
    /// <summary>Its allowed legal exposure, as written.</summary>
    public IReadOnlyList<string>? AllowedLegalExposure { get; init; }
    /// <summary>What it requires of providers.</summary>
    public ProviderRequirements? Provider { get; init; }
}

/// <summary>A legal-register entry the report quotes.</summary>
public sealed record StatedProvider
{
    /// <summary>The provider id (an operator named by a version's location).</summary>
    public required string Id { get; init; }
    /// <summary>The entry in the register at report time; null when it is no longer there.</summary>
    public Provider? Entry { get; init; }
    /// <summary>When it was last put.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Who last put it.</summary>
    public string? UpdatedBy { get; init; }
    /// <summary>
    /// The index of the <c>register.put</c> event (embedded in the report's evidence) whose <c>documentSha256</c> is the SHA-256
    /// of this entry: the log then proves these are the contracts that were put; null when no such event exists (entries put
    /// before events carried the hash): then the entry is stated by the server only.
    /// </summary>
    public long? PutEvent { get; init; }
}

/// <summary>Who holds the shares of one threshold version now.</summary>
public sealed record StatedShares
{
    /// <summary>Version number.</summary>
    public required int Version { get; init; }
    /// <summary>k: shares needed to unwrap.</summary>
    public required int Threshold { get; init; }
    /// <summary>Fewest distinct jurisdictions required among any k custodians.</summary>
    public required int MinJurisdictions { get; init; }
    /// <summary>The group's fingerprint.</summary>
    public required string Group { get; init; }
    /// <summary>The custodians, by index.</summary>
    public required IReadOnlyList<StatedCustodian> Custodians { get; init; }
}

/// <summary>A custodian holding a share, with its declared location in the server's configuration now.</summary>
public sealed record StatedCustodian
{
    /// <summary>Its participant index.</summary>
    public required int Index { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its country; null when it is no longer configured on the server.</summary>
    public string? Country { get; init; }
    /// <summary>Its region or site.</summary>
    public string? Region { get; init; }
    /// <summary>Its operator's provider id.</summary>
    public string? Operator { get; init; }
    /// <summary>Every jurisdiction whose law can compel its operator (location, declared, headquarters, subprocessors).</summary>
    public IReadOnlyList<string>? CompellableBy { get; init; }
}

/// <summary>Which events the report relies on: every event of the log naming the key, below a tree size.</summary>
public sealed record StatedEvents
{
    /// <summary>The log was searched for the key's events below this size (events from here on are later than the report).</summary>
    public required long TreeSize { get; init; }
    /// <summary>How many it found.</summary>
    public required long Count { get; init; }
    /// <summary>The <see cref="EventDigest"/> of them, so that dropping an event from the report fails verification.</summary>
    public required string Sha256 { get; init; }
}
