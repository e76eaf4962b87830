using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Approvals;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto.Signing;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Service;

/// <summary>Which approval requests to list: by status, only one's own, only those one may still decide on; at most <see cref="Limit"/> of the newest.</summary>
public sealed record ApprovalFilter(ApprovalStatus? Status = null, bool Mine = false, bool ForMe = false, int Limit = 100);

/// <summary>
/// Approval requests and their decisions. An approver approves or denies with a signature by their own key
/// over the request's statement (<see cref="ApprovalStatement"/>): never their own request, once per request,
/// only holding the approver role, in the rule's group when it names one, and only where the policy lets them
/// approve for that key. One denial denies; at the required count a data-plane request yields a grant and an
/// administrative one runs, as the requester, through the same <see cref="KeyManagementService"/> method.
/// </summary>
public sealed partial class ApprovalService(
    IApprovalRepository repository, Guard guard, KeyResolver keys, KeyManagementService management, ITokenRepository tokens,
    PrincipalDirectory principals, AuditRecorder audit, TimeProvider time, ILogger<ApprovalService> log)
{
    /// <summary>Longest reason an approver may give.</summary>
    public const int MaxReason = 500;
    /// <summary>Largest signature accepted (a DER P-256 signature is at most 72 bytes, Ed25519 64).</summary>
    public const int MaxSignature = 512;

    /// <summary>One request, to its requester and to those who may see every request (approvers, security officers).</summary>
    public async Task<Result<ApprovalRequest>> GetAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        Result<ApprovalRequest> result;
        if (!ApprovalRequest.IsValidId(id) || await repository.GetAsync(id, cancellationToken) is not { } found) result = NotFound(id);
        else if (found.Requester.Id != principal.Id && await SeesAllAsync(principal, cancellationToken) is { } denied) result = denied;
        else result = found;
        return await audit.RecordApprovalAsync(principal, "approval.get", result, result.IsSuccess ? result.Value.KeyId : null,
            ApprovalRequest.IsValidId(id) ? id : null, cancellationToken);
    }

    /// <summary>Requests newest first: every one for approvers and security officers, else only one's own.</summary>
    public async Task<Result<IReadOnlyList<ApprovalRequest>>> ListAsync(Principal principal, ApprovalFilter filter, CancellationToken cancellationToken)
    {
        Result<IReadOnlyList<ApprovalRequest>> result;
        if (filter.Limit is < 1 or > 1000) result = CustosError.Invalid("limit is 1 to 1000");
        else
        {
            var all = await SeesAllAsync(principal, cancellationToken) is null;
            var list = await repository.ListAsync(filter.Mine || !all ? principal.Id : null, filter.Limit, cancellationToken);
            var now = time.GetUtcNow();
            result = Result<IReadOnlyList<ApprovalRequest>>.Ok(list
                .Where(r => filter.Status is not { } s || r.StatusAt(now) == s)
                .Where(r => !filter.ForMe || (r.StatusAt(now) == ApprovalStatus.Pending && Eligibility(principal, r) is null
                    && r.Decisions.All(d => d.ApproverId != principal.Id)))
                .ToList());
        }
        return await audit.RecordApprovalAsync(principal, "approval.list", result, null, null, cancellationToken);
    }

    /// <summary>
    /// Approves or denies request <paramref name="id"/> with <paramref name="signature"/> over its statement for
    /// <paramref name="verdict"/>; at quorum runs or grants what was asked. Returns the request as it is afterwards.
    /// </summary>
    public async Task<Result<ApprovalRequest>> DecideAsync(Principal approver, string id, ApprovalVerdict verdict, byte[] signature, string? reason,
        CancellationToken cancellationToken)
    {
        var operation = "approval." + verdict.Name();
        if (!ApprovalRequest.IsValidId(id) || await repository.GetAsync(id, cancellationToken) is not { } request)
            return await audit.RecordApprovalAsync(approver, operation, Result<ApprovalRequest>.Fail(NotFound(id)), null, null, cancellationToken);
        var now = time.GetUtcNow();
        if (await CheckDecisionAsync(approver, request, verdict, signature, reason, now, cancellationToken) is { } refused)
            return await audit.RecordApprovalAsync(approver, operation, Result<ApprovalRequest>.Fail(refused), request.KeyId, request.Id, cancellationToken);

        var decision = new ApprovalDecision(approver.Id, approver.Name, verdict, reason, approver.PublicKey!, signature, now);
        Grant? grant = null;
        if (verdict == ApprovalVerdict.Approve && request.YieldsGrant)
        {
            var r = request.Requirement;
            grant = new Grant(Grant.NewId(), request.Id, request.Requester.Id, request.Operation, request.KeyId, request.ContextSha256!,
                [.. request.Decisions.Where(d => d.Verdict == ApprovalVerdict.Approve).Select(d => d.ApproverId), approver.Id],
                now, now.AddMinutes(r.GrantMinutes), r.GrantUses, r.GrantUses);
        }
        var decisionEvent = audit.ForChange(approver, operation, request.KeyId, null) is { } de ? de with { Approval = request.Id } : null;
        var grantEvent = grant is not null && audit.ForChange(approver, "grant.create", request.KeyId, null) is { } ge ? ge with { Approval = grant.Id } : null;
        (DecisionOutcome Outcome, ApprovalRequest? Request) added;
        try
        {
            added = await repository.AddDecisionAsync(request.Id, decision, now, grant, decisionEvent, grantEvent, cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            approver.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
        switch (added.Outcome)
        {
            case DecisionOutcome.AlreadyDecided:
                return await audit.RecordApprovalAsync(approver, operation, Result<ApprovalRequest>.Fail(new CustosError(ErrorCode.Conflict,
                    $"{Who(approver)} has already decided on approval request {request.Id}; one approver counts once")), request.KeyId, request.Id, cancellationToken);
            case DecisionOutcome.NotPending:
                var current = await repository.GetAsync(request.Id, cancellationToken) ?? request;
                return await audit.RecordApprovalAsync(approver, operation, Result<ApprovalRequest>.Fail(NotPending(current, now)), request.KeyId, request.Id, cancellationToken);
        }
        if (decisionEvent is not null) approver.Request?.MarkRecorded();
        LogDecided(log, request.Id, verdict.Name(), approver.Id, added.Outcome.ToString());
        var after = added.Request ?? request;
        if (added.Outcome == DecisionOutcome.Approved && after.RuleId == KeyCeremonyRule.RuleId)
        {
            // A key ceremony's transcript is the approve statement; its signatures go into the log before the key is made.
            try { await audit.RecordAsync(approver, CeremonyEvent(approver, after), cancellationToken); }
            catch (CustosUnavailableException)
            {
                approver.Request?.MarkRefusedUnrecorded();
                return AuditRecorder.AuditUnavailable;
            }
        }
        if (added.Outcome == DecisionOutcome.Approved && !after.YieldsGrant) after = await RunApprovedAsync(after, approver, cancellationToken);
        return after;
    }

    /// <summary>The <c>ceremony.key-create</c> event: transcript hash, the approvers in order, and each one's signature.</summary>
    private AuditEvent CeremonyEvent(Principal approver, ApprovalRequest request)
    {
        var approvals = request.Decisions.Where(d => d.Verdict == ApprovalVerdict.Approve).OrderBy(d => d.At).ToList();
        var ceremony = new AuditCeremony(request.Id,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ApprovalStatement.Bytes(request, ApprovalVerdict.Approve))),
            [.. approvals.Select(d => d.ApproverId)],
            [.. approvals.Select(d => $"{d.ApproverId} sha256:{VerificationKey.FromSpki(d.PublicKey)?.Fingerprint} {Convert.ToBase64String(d.Signature)}")]);
        return audit.Event(approver, "ceremony.key-create", request.KeyId, null, null) with { Approval = request.Id, Ceremony = ceremony };
    }

    /// <summary>Null when <paramref name="approver"/> may decide <paramref name="verdict"/> on <paramref name="request"/> with this signature.</summary>
    private async Task<CustosError?> CheckDecisionAsync(Principal approver, ApprovalRequest request, ApprovalVerdict verdict, byte[] signature, string? reason,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (reason is not null && (reason.Length > MaxReason || reason.Any(char.IsControl)))
            return CustosError.Invalid($"reason is at most {MaxReason} characters, without control characters");
        if (signature.Length is 0 or > MaxSignature) return CustosError.Invalid($"signature is 1 to {MaxSignature} bytes (base64)");
        if (approver.Id == request.Requester.Id)
            return new CustosError(ErrorCode.Forbidden, $"nobody approves their own request: {request.Id} was made by {Who(approver)}");
        if (Eligibility(approver, request) is { } ineligible) return ineligible;
        var facts = await FactsAsync(request, cancellationToken);
        if (!facts.IsSuccess) return facts.Error;
        if (await guard.AuthorizeAsync(approver, Operation.Approve, facts.Value, cancellationToken) is { } denied) return denied;
        if (request.StatusAt(now) != ApprovalStatus.Pending) return NotPending(request, now);
        if (approver.PublicKey is null)
            return new CustosError(ErrorCode.Forbidden,
                $"{Who(approver)} has no approval key, so it cannot sign approvals: give its token one ('custos tokens create --approval-key FILE.pem')");
        if (VerificationKey.FromSpki(approver.PublicKey) is not { } key)
            return new CustosError(ErrorCode.Forbidden, $"the approval key of {Who(approver)} is not a usable ECDSA P-256 or Ed25519 public key");
        if (!key.Verify(ApprovalStatement.Bytes(request, verdict), signature))
            return new CustosError(ErrorCode.Forbidden,
                $"the signature does not verify: sign exactly the '{verdict.Name()}' statement GET /v1/approvals/{request.Id} serves, with the private key of approval key sha256:{key.Fingerprint}");
        return null;
    }

    /// <summary>Null when <paramref name="approver"/> holds the approver role and is in the rule's group (if it names one).</summary>
    private static CustosError? Eligibility(Principal approver, ApprovalRequest request)
    {
        if (!approver.HasRole(Roles.Approver))
            return new CustosError(ErrorCode.Forbidden, $"{Who(approver)} does not hold the '{Roles.Approver}' role, so it cannot approve or deny requests");
        if (request.Requirement.Group is { } group && !approver.Groups.Contains(group))
            return new CustosError(ErrorCode.Forbidden, $"rule '{request.RuleId}' takes approvals only from group '{group}', and {Who(approver)} is not in it");
        return null;
    }

    /// <summary>Runs an approved administrative operation as its requester and notes what happened on the request.</summary>
    private async Task<ApprovalRequest> RunApprovedAsync(ApprovalRequest request, Principal approver, CancellationToken cancellationToken)
    {
        string outcome;
        var requester = await RequesterAsync(request, approver, cancellationToken);
        if (!requester.IsSuccess) outcome = "not run: " + requester.Error.Message;
        else
        {
            var ran = await ApprovedChange.RunAsync(management, requester.Value, request, cancellationToken);
            var executed = (await repository.GetAsync(request.Id, cancellationToken))?.Status == ApprovalStatus.Executed;
            outcome = ran.IsSuccess
                ? $"ran as {request.Requester.Id}: key {ran.Value.Id} is {ran.Value.State.Name()} (revision {ran.Value.Revision})"
                : $"{(executed ? "ran and failed" : "not run")}: {ran.Error.Code.WireName()}: {ran.Error.Message}";
        }
        await repository.SetOutcomeAsync(request.Id, outcome, cancellationToken);
        LogRan(log, request.Id, outcome);
        return await repository.GetAsync(request.Id, cancellationToken) ?? request;
    }

    /// <summary>
    /// The requester as they were when they asked (roles, groups, address, justification), acting in the approver's
    /// request; refused when the requester is no longer known (a certificate principal removed from the
    /// configuration) or its token has been revoked or has expired since.
    /// </summary>
    private async Task<Result<Principal>> RequesterAsync(ApprovalRequest request, Principal approver, CancellationToken cancellationToken)
    {
        var r = request.Requester;
        if (r.Id.StartsWith("token:", StringComparison.Ordinal)
            && (await tokens.GetAsync(r.Id["token:".Length..], cancellationToken) is not { } token || !token.IsActive(time.GetUtcNow())))
            return new CustosError(ErrorCode.Unauthenticated, $"the requester's token ({r.Id}) is revoked or expired");
        if (await principals.FindAsync(r.Id, cancellationToken) is null)
            return new CustosError(ErrorCode.Unauthenticated, $"the requester ({r.Id}) is no longer a known principal");
        var justification = Justification.Parse(r.Justification) is { IsSuccess: true } parsed ? parsed.Value : null;
        var info = new RequestInfo(approver.Request?.RequestId ?? request.Id, r.ClientAddress, justification);
        // The audit log was told of the approver's request only: this one must not end a request it never started.
        info.ReleaseLogSlot();
        return new Principal(r.Id, r.Name, Roles.FromStored(r.Roles)) { Groups = new HashSet<string>(r.Groups, StringComparer.Ordinal), Request = info };
    }

    /// <summary>The policy's view of the key the request is about (of the key to be made, for a create).</summary>
    private async Task<Result<KeyFacts>> FactsAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        if (request.KeyId is { } id)
            return await keys.ReadByIdAsync(id, cancellationToken) is { } key ? KeyFacts.Of(key) : CustosError.KeyNotFound(id);
        return ApprovedChange.FactsOfCreate(request.Parameters ?? "") is { } facts
            ? facts
            : CustosError.Invalid($"approval request {request.Id} names no key");
    }

    /// <summary>Null when <paramref name="principal"/> may see every request (the policy lets it approve or administer).</summary>
    private async Task<CustosError?> SeesAllAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Approve, null, cancellationToken) is null) return null;
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is null) return null;
        return new CustosError(ErrorCode.Forbidden, $"{Who(principal)} may see only its own approval requests (approvers and security officers see all)");
    }

    private static CustosError NotPending(ApprovalRequest request, DateTimeOffset now) => request.StatusAt(now) switch
    {
        ApprovalStatus.Expired => new(ErrorCode.Conflict, $"approval request {request.Id} expired at {request.ExpiresAt:u}; the requester sends the request again for a new one"),
        var s => new(ErrorCode.Conflict, $"approval request {request.Id} is {s.Name()}, no longer pending"),
    };

    private static CustosError NotFound(string id) => new(ErrorCode.NotFound, $"approval request '{(id.Length <= 40 ? id : id[..40] + "...")}' not found");

    private static string Who(Principal p) => p.Name == p.Id ? p.Id : $"'{p.Name}' ({p.Id})";

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "approval request {Id}: {Verdict} by {Approver} ({Outcome})")]
    private static partial void LogDecided(ILogger logger, string id, string verdict, string approver, string outcome);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "approval request {Id}: {Outcome}")]
    private static partial void LogRan(ILogger logger, string id, string outcome);
}
