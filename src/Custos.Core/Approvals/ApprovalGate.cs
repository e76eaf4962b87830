using System.Globalization;
using System.Runtime.CompilerServices;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Core.Service;

namespace Custos.Core.Approvals;

/// <summary>
/// The guard's approval step. A data-plane request passes when a live grant for exactly its principal,
/// operation, key and context has a use left (one use is taken). An administrative request passes once
/// when an approved request for exactly its subject waits (it becomes executed; checks later in the same
/// request for the same subject pass too). Otherwise the pending approval request for the subject is found
/// or made, and the request is refused with <see cref="ErrorCode.ApprovalRequired"/> naming it.
/// </summary>
public sealed class ApprovalGate(IApprovalRepository repository, AuditRecorder audit, ApprovalOptions options, TimeProvider time) : IApprovalGate
{
    // Subjects whose approval a request has already used, so that a second check in the same request (an edit is
    // checked before and after the change; a retried save is checked again) does not ask for a second approval.
    private readonly ConditionalWeakTable<RequestInfo, byte[]> _used = [];

    /// <inheritdoc />
    public async ValueTask<CustosError?> CheckAsync(AccessRequest request, PolicyDecision decision, ApprovalSubject subject, CancellationToken cancellationToken)
    {
        var principal = request.Principal;
        var (context, parameters) = ApprovalRequest.SubjectParts(request.Operation, subject);
        if (!request.Operation.IsDataPlane() && !ApprovedChange.IsRunnable(parameters))
            return new CustosError(ErrorCode.ApprovalRequired,
                $"{decision.Reason}, but Custos collects approvals only for data-plane operations and key changes, so this rule cannot be met for {request.Operation.Name()}");
        var now = time.GetUtcNow();
        var keyId = request.Key?.Id;
        var subjectHash = ApprovalRequest.SubjectOf(principal.Id, request.Operation, keyId, context, parameters);

        if (request.Operation.IsDataPlane())
        {
            AuditEvent? useEvent = null;
            var used = await repository.TryUseGrantAsync(new GrantScope(principal.Id, request.Operation, keyId, context!), now,
                g => useEvent = audit.ForChange(principal, "grant.use", keyId, null) is { } e ? e with { Approval = g.Id } : null, cancellationToken);
            if (used is not null)
            {
                if (useEvent is not null) principal.Request?.MarkRecorded();
                if (principal.Request is { } info) await RecordGrantApprovalsAsync(info, used, cancellationToken);
                return null;
            }
        }
        else
        {
            if (principal.Request is { } info && _used.TryGetValue(info, out var done) && done.AsSpan().SequenceEqual(subjectHash)) return null;
            AuditEvent? executeEvent = null;
            var executed = await repository.TryExecuteAsync(subjectHash, now,
                r => executeEvent = audit.ForChange(principal, "approval.execute", keyId, null) is { } e ? e with { Approval = r.Id } : null, cancellationToken);
            if (executed is not null)
            {
                if (principal.Request is { } current)
                {
                    _used.AddOrUpdate(current, subjectHash);
                    if (executeEvent is not null) current.MarkRecorded();
                }
                return null;
            }
        }

        var candidate = ApprovalRequest.New(request, decision, subject, now, options.RequestTtl);
        var created = audit.ForChange(principal, "approval.request", keyId, null) is { } ev ? ev with { Approval = candidate.Id } : null;
        var pending = await repository.GetOrCreatePendingAsync(candidate, now, created, cancellationToken);
        if (pending.Id == candidate.Id && created is not null) principal.Request?.MarkRecorded();
        return Refusal(pending, decision);
    }

    /// <summary>
    /// Keeps on the request the signed approvals behind <paramref name="grant"/> (approver, algorithm, the approve statement,
    /// the signature), so that keystores whose custodians judge each request themselves can forward them.
    /// </summary>
    private async Task RecordGrantApprovalsAsync(RequestInfo info, Grant grant, CancellationToken cancellationToken)
    {
        if (await repository.GetAsync(grant.ApprovalId, cancellationToken) is not { } approved) return;
        var statement = ApprovalStatement.Bytes(approved, ApprovalVerdict.Approve);
        info.RecordGrantApprovals([.. approved.Decisions.Where(d => d.Verdict == ApprovalVerdict.Approve).Select(d =>
            new Threshold.ThresholdApproval(d.ApproverId, AlgorithmName(d.PublicKey), statement, d.Signature))]);
    }

    private static string AlgorithmName(byte[] publicKey) => Crypto.Signing.VerificationKey.FromSpki(publicKey)?.Algorithm switch
    {
        Crypto.Signing.SignatureAlgorithm.EcdsaP256Sha256 => "ecdsa-p256-sha256",
        Crypto.Signing.SignatureAlgorithm.Ed25519 => "ed25519",
        _ => "unknown",
    };

    private static CustosError Refusal(ApprovalRequest pending, PolicyDecision decision)
    {
        var r = pending.Requirement;
        var from = r.Group is null ? "approvers" : $"approvers in group '{r.Group}'";
        var expires = pending.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var message = $"{decision.Reason}: approval request {pending.Id} has {pending.Approvals} of {r.Count} approval(s) from {from} and is open until {expires}"
            + $" (an approver runs 'custos approvals approve {pending.Id} --key FILE'); send the same request again once it is approved";
        return new CustosError(ErrorCode.ApprovalRequired, message) { Details = new Dictionary<string, string> { ["approvalId"] = pending.Id } };
    }
}
