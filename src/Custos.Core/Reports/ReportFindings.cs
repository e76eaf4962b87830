namespace Custos.Core.Reports;

// The findings of a residency report: everything derived from the events it embeds (and, for what counts as outside the
// key's allowed jurisdictions, from its statement's requirements). FindingsBuilder makes them, on the server from the log
// and in 'custos report verify' again from the embedded events; the verifier compares the two member by member, so that
// no count, country, principal or time can be edited. Kept in one file on purpose: the shapes of one section.

/// <summary>What the embedded events show: versions and where they lived, accesses, refusals, and what is and is not proven.</summary>
public sealed record ReportFindings
{
    /// <summary>Each version: where its material was made, by whom it can be compelled, for how long it lived.</summary>
    public required IReadOnlyList<VersionFinding> Versions { get; init; }
    /// <summary>The key's destruction, when the log holds it.</summary>
    public EventRef? Destroyed { get; init; }
    /// <summary>Data-plane and lifecycle events of the key (<c>data.*</c>, <c>key.*</c>), grouped.</summary>
    public required AccessSummary Access { get; init; }
    /// <summary>The key's other events (approvals, grants, reports, audit reads about it), by operation.</summary>
    public required IReadOnlyList<OperationCount> OtherEvents { get; init; }
    /// <summary>Every access that was denied or failed, in log order.</summary>
    public required IReadOnlyList<Refusal> Refusals { get; init; }
    /// <summary>For each kind of fact in the report: whether the log proves it, and how.</summary>
    public required IReadOnlyList<Provenance> Provenance { get; init; }
}

/// <summary>An event, named: its index and the time, principal and operation it records.</summary>
public sealed record EventRef(long Index, DateTimeOffset Time, string Principal, string Operation);

/// <summary>A version of the key, from the event that made it.</summary>
public sealed record VersionFinding
{
    /// <summary>Version number.</summary>
    public required int Number { get; init; }
    /// <summary>The allowed key.create, key.rotate or key.auto-rotate event that made it; null when the log holds none.</summary>
    public EventRef? Created { get; init; }
    /// <summary>Where its material was made, as that event records it; null when it records none.</summary>
    public MaterialLocation? Location { get; init; }
    /// <summary>The jurisdictions of <see cref="Location"/> (its country, or whoever can compel its operator) outside what the key allows now.</summary>
    public required IReadOnlyList<string> OutsideAllowed { get; init; }
    /// <summary>When its material began to live (the making event's time).</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>When it stopped (the destruction) or, while still held, the time of the report's attestation event.</summary>
    public required DateTimeOffset Until { get; init; }
    /// <summary>True when the material was still held at the time of the report.</summary>
    public required bool StillHeld { get; init; }
    /// <summary>When the next version took over as primary; null while it is the newest.</summary>
    public DateTimeOffset? PrimaryUntil { get; init; }
    /// <summary>Whole seconds from <see cref="From"/> to <see cref="Until"/>.</summary>
    public long? Seconds { get; init; }
    /// <summary>What the keystore attested when the version was made (HSM attributes), from the making event.</summary>
    public IReadOnlyDictionary<string, string>? Evidence { get; init; }
    /// <summary>
    /// For a threshold version: who held its shares, one entry per group (the making event's, then each resharing's), in
    /// log order; null for a version whose events name no custodians (other custodies).
    /// </summary>
    public IReadOnlyList<ShareFinding>? Shares { get; init; }
}

/// <summary>One group of a threshold version's shares, from the event that dealt them (key.create, key.rotate or key.reshare).</summary>
public sealed record ShareFinding
{
    /// <summary>The event that dealt them.</summary>
    public required EventRef Dealt { get; init; }
    /// <summary>The group's fingerprint.</summary>
    public required string Group { get; init; }
    /// <summary>The custodians that got a share, with their countries as the event records them.</summary>
    public required IReadOnlyList<CustodianFinding> Custodians { get; init; }
    /// <summary>When these shares stopped serving (the next resharing) or, while current, the version's <see cref="VersionFinding.Until"/>.</summary>
    public required DateTimeOffset Until { get; init; }
    /// <summary>The custodians' countries outside what the key allows now.</summary>
    public required IReadOnlyList<string> OutsideAllowed { get; init; }
}

/// <summary>A custodian holding a share, as the dealing event records it.</summary>
/// <param name="Name">Its name in the server's configuration.</param>
/// <param name="Country">Its country then; null when the event records none.</param>
public sealed record CustodianFinding(string Name, string? Country);

/// <summary>Where material was made: a key.create/key.rotate event's <c>location</c>.</summary>
public sealed record MaterialLocation
{
    /// <summary>Keystore name.</summary>
    public required string Keystore { get; init; }
    /// <summary>ISO 3166-1 country.</summary>
    public required string Country { get; init; }
    /// <summary>Region or site.</summary>
    public string? Region { get; init; }
    /// <summary>The operator's provider id.</summary>
    public required string Operator { get; init; }
    /// <summary>Every jurisdiction whose law could compel the operator when the version was made.</summary>
    public required IReadOnlyList<string> CompellableBy { get; init; }
}

/// <summary>The accesses of the key, counted and grouped three ways.</summary>
public sealed record AccessSummary
{
    /// <summary>All accesses.</summary>
    public required long Total { get; init; }
    /// <summary>Allowed ones.</summary>
    public required long Allowed { get; init; }
    /// <summary>Denied ones.</summary>
    public required long Denied { get; init; }
    /// <summary>Failed ones.</summary>
    public required long Failed { get; init; }
    /// <summary>By principal.</summary>
    public required IReadOnlyList<AccessGroup> ByPrincipal { get; init; }
    /// <summary>By justification code (null: none given).</summary>
    public required IReadOnlyList<AccessGroup> ByJustification { get; init; }
    /// <summary>By the country of the node that served it (null: the node declared none).</summary>
    public required IReadOnlyList<AccessGroup> ByNodeCountry { get; init; }
}

/// <summary>One row of a grouping: counts and first and last times; most accesses first, then by value.</summary>
public sealed record AccessGroup
{
    /// <summary>The principal, justification code or country; null for none.</summary>
    public string? Value { get; init; }
    /// <summary>Accesses.</summary>
    public required long Count { get; init; }
    /// <summary>Allowed ones.</summary>
    public required long Allowed { get; init; }
    /// <summary>Denied ones.</summary>
    public required long Denied { get; init; }
    /// <summary>Failed ones.</summary>
    public required long Failed { get; init; }
    /// <summary>The first.</summary>
    public required DateTimeOffset First { get; init; }
    /// <summary>The last.</summary>
    public required DateTimeOffset Last { get; init; }
    /// <summary>Count per operation, by name.</summary>
    public required IReadOnlyDictionary<string, long> Operations { get; init; }
    /// <summary>By node country only: the nodes that served them.</summary>
    public IReadOnlyList<string>? Nodes { get; init; }
    /// <summary>By node country only: true when the key's allowed jurisdictions now do not cover it (null: the key is unrestricted).</summary>
    public bool? OutsideAllowed { get; init; }
}

/// <summary>Events of one operation that are not accesses.</summary>
public sealed record OperationCount(string Operation, long Count, DateTimeOffset First, DateTimeOffset Last);

/// <summary>An access that was denied or failed.</summary>
public sealed record Refusal
{
    /// <summary>Its event.</summary>
    public required long Index { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>Who asked.</summary>
    public required string Principal { get; init; }
    /// <summary>What.</summary>
    public required string Operation { get; init; }
    /// <summary>denied or failed.</summary>
    public required string Outcome { get; init; }
    /// <summary>The stable error code.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>The policy version and rule that decided ("0/default-deny").</summary>
    public string? Policy { get; init; }
    /// <summary>The justification code given.</summary>
    public string? Justification { get; init; }
    /// <summary>The serving node's country.</summary>
    public string? NodeCountry { get; init; }
    /// <summary>The version, when the event names one.</summary>
    public int? KeyVersion { get; init; }
}

/// <summary>A kind of fact in the report and what backs it.</summary>
/// <param name="Fact">The fact ("version 2: where its material was made, its operator and legal exposure").</param>
/// <param name="Proven">True when the log proves it (an embedded event with its inclusion proof).</param>
/// <param name="How">By which event, or why not ("stated by the server, not proven by the log: ...").</param>
public sealed record Provenance(string Fact, bool Proven, string How);
