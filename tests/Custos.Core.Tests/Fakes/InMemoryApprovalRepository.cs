using Custos.Core.Approvals;
using Custos.Core.Audit;
using Custos.Core.Ports;

namespace Custos.Core.Tests.Fakes;

/// <summary>Approval requests, decisions and grants in memory, under one lock (the "transaction"), events to the shared fake log.</summary>
public sealed class InMemoryApprovalRepository(InMemoryAuditLog audit) : IApprovalRepository
{
    private readonly Lock _lock = new();
    private readonly List<ApprovalRequest> _requests = [];
    private readonly List<Grant> _grants = [];

    public Task<ApprovalRequest> GetOrCreatePendingAsync(ApprovalRequest candidate, DateTimeOffset now, AuditEvent? createdEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            for (int i = 0; i < _requests.Count; i++)
            {
                var r = _requests[i];
                if (!r.SubjectSha256.AsSpan().SequenceEqual(candidate.SubjectSha256) || r.Status != ApprovalStatus.Pending) continue;
                if (r.ExpiresAt > now) return Task.FromResult(r);
                _requests[i] = r with { Status = ApprovalStatus.Expired };
            }
            if (createdEvent is not null) audit.Add(createdEvent);
            _requests.Add(candidate);
            return Task.FromResult(candidate);
        }
    }

    public Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_requests.FirstOrDefault(r => r.Id == id));
    }

    public Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? requesterId, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ApprovalRequest>>(_requests.AsEnumerable().Reverse()
                .Where(r => requesterId is null || r.Requester.Id == requesterId).Take(limit).ToList());
        }
    }

    public Task<(DecisionOutcome Outcome, ApprovalRequest? Request)> AddDecisionAsync(string requestId, ApprovalDecision decision, DateTimeOffset now,
        Grant? grant, AuditEvent? decisionEvent, AuditEvent? grantEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _requests.FindIndex(r => r.Id == requestId);
            if (i < 0) return Task.FromResult<(DecisionOutcome, ApprovalRequest?)>((DecisionOutcome.NotPending, null));
            var r = _requests[i];
            if (r.Decisions.Any(d => d.ApproverId == decision.ApproverId)) return Task.FromResult<(DecisionOutcome, ApprovalRequest?)>((DecisionOutcome.AlreadyDecided, r));
            if (r.StatusAt(now) != ApprovalStatus.Pending) return Task.FromResult<(DecisionOutcome, ApprovalRequest?)>((DecisionOutcome.NotPending, r));
            if (decisionEvent is not null) audit.Add(decisionEvent);
            r = r with { Decisions = [.. r.Decisions, decision] };
            var outcome = DecisionOutcome.Recorded;
            if (decision.Verdict == ApprovalVerdict.Deny)
            {
                r = r with { Status = ApprovalStatus.Denied, DecidedAt = now };
                outcome = DecisionOutcome.Denied;
            }
            else if (r.Approvals >= r.Requirement.Count)
            {
                r = r with { Status = ApprovalStatus.Approved, DecidedAt = now, GrantId = grant?.Id };
                outcome = DecisionOutcome.Approved;
                if (grant is not null)
                {
                    if (grantEvent is not null) audit.Add(grantEvent);
                    _grants.Add(grant with { ApprovedBy = r.Decisions.Where(d => d.Verdict == ApprovalVerdict.Approve).Select(d => d.ApproverId).ToList() });
                }
            }
            _requests[i] = r;
            return Task.FromResult<(DecisionOutcome, ApprovalRequest?)>((outcome, r));
        }
    }

    public Task<ApprovalRequest?> TryExecuteAsync(byte[] subjectSha256, DateTimeOffset now, Func<ApprovalRequest, AuditEvent?> executedEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _requests.FindIndex(r => r.SubjectSha256.AsSpan().SequenceEqual(subjectSha256) && r.Status == ApprovalStatus.Approved && r.ExpiresAt > now);
            if (i < 0) return Task.FromResult<ApprovalRequest?>(null);
            if (executedEvent(_requests[i]) is { } e) audit.Add(e);
            _requests[i] = _requests[i] with { Status = ApprovalStatus.Executed };
            return Task.FromResult<ApprovalRequest?>(_requests[i]);
        }
    }

    public Task SetOutcomeAsync(string requestId, string outcome, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _requests.FindIndex(r => r.Id == requestId);
            if (i >= 0) _requests[i] = _requests[i] with { Outcome = outcome };
        }
        return Task.CompletedTask;
    }

    public Task<Grant?> TryUseGrantAsync(GrantScope scope, DateTimeOffset now, Func<Grant, AuditEvent?> usedEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _grants.FindIndex(g => g.PrincipalId == scope.PrincipalId && g.Operation == scope.Operation && g.KeyId == scope.KeyId
                && g.ContextSha256 == scope.ContextSha256 && g.IsLive(now));
            if (i < 0) return Task.FromResult<Grant?>(null);
            if (usedEvent(_grants[i]) is { } e) audit.Add(e);
            _grants[i] = _grants[i] with { UsesLeft = _grants[i].UsesLeft - 1 };
            return Task.FromResult<Grant?>(_grants[i]);
        }
    }

    public Task<Grant?> GetGrantAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_grants.FirstOrDefault(g => g.Id == id));
    }

    public Task<IReadOnlyList<Grant>> ListGrantsAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<Grant>>(_grants.AsEnumerable().Reverse().Take(limit).ToList());
    }

    public Task<bool> RevokeGrantAsync(string id, string revokedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _grants.FindIndex(g => g.Id == id && g.RevokedAt is null);
            if (i < 0) return Task.FromResult(false);
            if (auditEvent is not null) audit.Add(auditEvent);
            _grants[i] = _grants[i] with { RevokedAt = at, RevokedBy = revokedBy };
            return Task.FromResult(true);
        }
    }
}
