using Custos.Core.Access;
using Custos.Core.Approvals;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;

namespace Custos.Core.Service;

/// <summary>
/// Grants that approvals yielded: listed to security officers (all), and to their holders and approvers
/// (theirs); revoked by a security officer (the policy's administer operation) or by an approver who made them.
/// </summary>
public sealed class GrantService(IApprovalRepository repository, Guard guard, AuditRecorder audit, TimeProvider time)
{
    /// <summary>The newest grants <paramref name="principal"/> may see.</summary>
    public async Task<Result<IReadOnlyList<Grant>>> ListAsync(Principal principal, CancellationToken cancellationToken)
    {
        var all = await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is null;
        var grants = await repository.ListGrantsAsync(1000, cancellationToken);
        Result<IReadOnlyList<Grant>> result = all
            ? Result<IReadOnlyList<Grant>>.Ok(grants)
            : grants.Where(g => g.PrincipalId == principal.Id || g.ApprovedBy.Contains(principal.Id)).ToList();
        return await audit.RecordApprovalAsync(principal, "grant.list", result, null, null, cancellationToken);
    }

    /// <summary>Revokes a grant: it serves no further request. Revoking a revoked grant changes nothing.</summary>
    public async Task<Result<Grant>> RevokeAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        if (!Grant.IsValidId(id) || await repository.GetGrantAsync(id, cancellationToken) is not { } grant)
            return await audit.RecordApprovalAsync(principal, "grant.revoke",
                Result<Grant>.Fail(new CustosError(ErrorCode.NotFound, $"grant '{(id.Length <= 40 ? id : id[..40] + "...")}' not found")), null, null, cancellationToken);
        if (!grant.ApprovedBy.Contains(principal.Id) && await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is not null)
            return await audit.RecordApprovalAsync(principal, "grant.revoke", Result<Grant>.Fail(new CustosError(ErrorCode.Forbidden,
                $"only security officers and the approvers who made grant {grant.Id} may revoke it")), grant.KeyId, grant.Id, cancellationToken);
        if (grant.RevokedAt is not null)
            return await audit.RecordApprovalAsync(principal, "grant.revoke", Result<Grant>.Ok(grant), grant.KeyId, grant.Id, cancellationToken);
        var auditEvent = audit.ForChange(principal, "grant.revoke", grant.KeyId, null) is { } e ? e with { Approval = grant.Id } : null;
        bool revoked;
        try { revoked = await repository.RevokeGrantAsync(grant.Id, principal.Id, time.GetUtcNow(), auditEvent, cancellationToken); }
        catch (CustosUnavailableException) { principal.Request?.MarkRefusedUnrecorded(); return AuditRecorder.AuditUnavailable; }
        if (revoked && auditEvent is not null) principal.Request?.MarkRecorded();
        var after = await repository.GetGrantAsync(grant.Id, cancellationToken) ?? grant;
        return revoked ? after : await audit.RecordApprovalAsync(principal, "grant.revoke", Result<Grant>.Ok(after), grant.KeyId, grant.Id, cancellationToken);
    }
}
