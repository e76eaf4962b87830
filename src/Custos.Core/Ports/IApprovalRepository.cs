using Custos.Core.Access;
using Custos.Core.Approvals;
using Custos.Core.Audit;

namespace Custos.Core.Ports;

/// <summary>How adding a decision to a request ended.</summary>
public enum DecisionOutcome
{
    /// <summary>Stored; the request still waits for more approvals.</summary>
    Recorded,
    /// <summary>Stored, and it completed the quorum: the request is approved (and its grant stored, when one was given).</summary>
    Approved,
    /// <summary>Stored, and it denied the request.</summary>
    Denied,
    /// <summary>Not stored: this approver has already decided on this request (one approver counts once).</summary>
    AlreadyDecided,
    /// <summary>Not stored: the request is no longer pending (decided, executed or past its time).</summary>
    NotPending,
}

/// <summary>Which grants may serve a request: this principal, operation, key and context hash.</summary>
public sealed record GrantScope(string PrincipalId, Operation Operation, string? KeyId, string ContextSha256);

/// <summary>
/// Persistence of approval requests, their signed decisions, and grants. Every write is one transaction,
/// durable before it returns, holding the audit events given with it; the conditional steps (one pending
/// request per subject, one decision per approver, approved to executed once, one use of a grant at a time)
/// hold across nodes sharing the database.
/// </summary>
public interface IApprovalRepository
{
    /// <summary>
    /// The pending, unexpired request with <paramref name="candidate"/>'s subject, or else <paramref name="candidate"/>
    /// stored with <paramref name="createdEvent"/> (a pending one past its time is marked expired first).
    /// </summary>
    Task<ApprovalRequest> GetOrCreatePendingAsync(ApprovalRequest candidate, DateTimeOffset now, AuditEvent? createdEvent, CancellationToken cancellationToken);

    /// <summary>A request with its decisions, or null.</summary>
    Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> requests, newest first, only <paramref name="requesterId"/>'s when given.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? requesterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="decision"/> to the pending, unexpired request <paramref name="requestId"/>, with
    /// <paramref name="decisionEvent"/>. A deny denies the request; an approval that brings the distinct approvals to
    /// the required count approves it and stores <paramref name="grant"/> (when given) with <paramref name="grantEvent"/>.
    /// Returns the outcome and the request as it is afterwards.
    /// </summary>
    Task<(DecisionOutcome Outcome, ApprovalRequest? Request)> AddDecisionAsync(string requestId, ApprovalDecision decision, DateTimeOffset now,
        Grant? grant, AuditEvent? decisionEvent, AuditEvent? grantEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the approved, unexpired request with subject <paramref name="subjectSha256"/> to executed, with the event
    /// <paramref name="executedEvent"/> makes for it; null (nothing changed) when there is none. At most one caller wins.
    /// </summary>
    Task<ApprovalRequest?> TryExecuteAsync(byte[] subjectSha256, DateTimeOffset now, Func<ApprovalRequest, AuditEvent?> executedEvent, CancellationToken cancellationToken);

    /// <summary>Notes what the approved operation did.</summary>
    Task SetOutcomeAsync(string requestId, string outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one use of a live grant in <paramref name="scope"/> (a conditional decrement), with the event
    /// <paramref name="usedEvent"/> makes for it; null when no live grant has a use left.
    /// </summary>
    Task<Grant?> TryUseGrantAsync(GrantScope scope, DateTimeOffset now, Func<Grant, AuditEvent?> usedEvent, CancellationToken cancellationToken);

    /// <summary>One grant, or null.</summary>
    Task<Grant?> GetGrantAsync(string id, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> grants, newest first.</summary>
    Task<IReadOnlyList<Grant>> ListGrantsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Revokes a grant that is not revoked yet, with its event; false when there is no such unrevoked grant.</summary>
    Task<bool> RevokeGrantAsync(string id, string revokedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken);
}
