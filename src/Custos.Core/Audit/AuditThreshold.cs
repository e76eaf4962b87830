namespace Custos.Core.Audit;

/// <summary>
/// What an audit event records about the custodians of a threshold key version: the group (its fingerprint names one
/// generation of shares), each custodian involved and how it took part, and, for a resharing, the group and custodians
/// before. Names, fingerprints and reasons only: never a share, a partial or a point.
/// </summary>
/// <param name="Group">Lower-case hex fingerprint of the group used or made.</param>
/// <param name="Custodians">The custodians of that group involved, in index order for a new group, else combined first, then faults.</param>
/// <param name="PreviousGroup">For <c>key.reshare</c>: the fingerprint of the group replaced.</param>
/// <param name="PreviousCustodians">For <c>key.reshare</c>: the custodians of the group replaced.</param>
public sealed record AuditThreshold(string Group, IReadOnlyList<AuditCustodian> Custodians, string? PreviousGroup = null,
    IReadOnlyList<string>? PreviousCustodians = null);

/// <summary>One custodian in <see cref="AuditThreshold"/>.</summary>
/// <param name="Name">Its name in the server configuration.</param>
/// <param name="Result">
/// How it took part: <c>share</c> (holds a share of a new group), <c>combined</c> (its partial was used), <c>unreachable</c>,
/// <c>refused</c> (it refused by its own policy) or <c>invalid-partial</c> (its partial was rejected: a wrong share or proof).
/// </param>
/// <param name="Detail">For a fault: the reason, one phrase.</param>
/// <param name="Country">Its country, when known (for a new group).</param>
public sealed record AuditCustodian(string Name, string Result, string? Detail = null, string? Country = null);
