using System.Net;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Errors;
using Custos.Core.Seal;

namespace Custos.Core.Service;

/// <summary>
/// Decides, for a request that passed the approvals the policy asks for, whether it may go on: returns
/// null to let it run (a live grant covered it) or the error that refuses it (typically
/// <see cref="ErrorCode.ApprovalRequired"/> naming the approval request to sign).
/// </summary>
public interface IApprovalGate
{
    /// <summary>Checks approvals for <paramref name="request"/>, which <paramref name="decision"/> put under quorum.</summary>
    ValueTask<CustosError?> CheckAsync(AccessRequest request, PolicyDecision decision, ApprovalSubject subject, CancellationToken cancellationToken);
}

/// <summary>
/// What exactly is being approved, beyond principal, operation and key: the encryption context (data
/// plane; approvals bind its SHA-256) or a canonical one-line summary of an administrative request's parameters.
/// </summary>
public readonly record struct ApprovalSubject(Crypto.EncryptionContext? Context, string? Summary)
{
    /// <summary>A data-plane request bound to its encryption context.</summary>
    public static ApprovalSubject ForContext(Crypto.EncryptionContext context) => new(context, null);

    /// <summary>SHA-256 of the canonical encryption context (of the empty context when there is none).</summary>
    public byte[] ContextHash() => System.Security.Cryptography.SHA256.HashData((Context ?? Crypto.EncryptionContext.Empty).Canonical);
}

/// <summary>Used until approvals are configured: a request under quorum is refused with the rule's reason.</summary>
public sealed class NoApprovalGate : IApprovalGate
{
    /// <inheritdoc />
    public ValueTask<CustosError?> CheckAsync(AccessRequest request, PolicyDecision decision, ApprovalSubject subject, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CustosError?>(new CustosError(ErrorCode.ApprovalRequired, decision.Reason));
}

/// <summary>
/// The checks every key operation passes before it runs, written once for every protocol: the server is
/// unsealed, the access policy allows the principal the operation on the key (default deny), the key's
/// residency allows its keystores and this node (<see cref="ResidencyGuard"/>), approvals where a rule asks for
/// them, and the rule's rate. Background work by Custos itself skips the policy but not residency: automatic
/// rotation must not put material where the key may not live either.
/// </summary>
public sealed class Guard(SealManager seal, ActivePolicy policy, RuleRateLimiter rates, IApprovalGate approvals, Residency.ResidencyGuard residency, TimeProvider time,
    KeyCeremonyRule? ceremony = null)
{
    /// <summary>True while Custos is sealed (no key can be used).</summary>
    public bool IsSealed => seal.IsSealed;

    /// <summary>Null when <paramref name="principal"/> may do <paramref name="operation"/> on <paramref name="key"/> now.</summary>
    /// <remarks><paramref name="before"/> is the key before an edit, when <paramref name="key"/> is what the edit makes of it.</remarks>
    public ValueTask<CustosError?> CheckAsync(Principal principal, Operation operation, KeyFacts? key, CancellationToken cancellationToken,
        ApprovalSubject? subject = null, KeyFacts? before = null) =>
        seal.IsSealed ? ValueTask.FromResult<CustosError?>(CustosError.Sealed) : AuthorizeAsync(principal, operation, key, cancellationToken, subject, before);

    /// <summary>As <see cref="CheckAsync"/>, sealed or not (reading the audit log, sealing).</summary>
    public async ValueTask<CustosError?> AuthorizeAsync(Principal principal, Operation operation, KeyFacts? key, CancellationToken cancellationToken,
        ApprovalSubject? subject = null, KeyFacts? before = null)
    {
        if (ReferenceEquals(principal, Principal.System)) return await ResidencyAsync(operation, key, cancellationToken);
        var active = await policy.GetAsync(cancellationToken);
        var request = RequestFor(principal, operation, key);
        var evaluated = PolicyEvaluator.Evaluate(active.Document, active.Version, request);
        var decision = ceremony is null ? evaluated : ceremony.Apply(evaluated, request, before);
        principal.Request?.RecordDecision(active.Version, decision.RuleId);
        if (decision.Kind == DecisionKind.Deny) return new CustosError(ErrorCode.Forbidden, decision.Reason);
        if (await ResidencyAsync(operation, key, cancellationToken) is { } violated) return violated;
        if (decision.Kind == DecisionKind.ApprovalRequired && await approvals.CheckAsync(request, decision, subject ?? default, cancellationToken) is { } refused)
            return refused;
        return evaluated.Rate is { } rate ? rates.Acquire(active.Version, evaluated.RuleId, rate, principal.Id) : null;
    }

    /// <summary>
    /// Null unless the policy denies the request outright; consumes no approval, grant or rate. For operations that must
    /// refuse a caller before they reveal anything about the key (its custody, its versions) in a more specific error.
    /// </summary>
    public async ValueTask<CustosError?> DeniedAsync(Principal principal, Operation operation, KeyFacts key, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(principal, Principal.System)) return null;
        var active = await policy.GetAsync(cancellationToken);
        var decision = PolicyEvaluator.Evaluate(active.Document, active.Version, RequestFor(principal, operation, key));
        if (decision.Kind != DecisionKind.Deny) return null;
        principal.Request?.RecordDecision(active.Version, decision.RuleId);
        return new CustosError(ErrorCode.Forbidden, decision.Reason);
    }

    /// <summary>
    /// True for operations that put material somewhere or use or change a key: create, rotate, reshare, manage (edit, enable)
    /// and the data plane. Reading metadata, disabling and scheduling destruction are not: they reveal or place no
    /// material, and refusing them on a node outside a key's jurisdictions would only keep a stranded key usable longer.
    /// </summary>
    public static bool IsResidencyChecked(Operation operation) =>
        operation is Operation.CreateKey or Operation.RotateKey or Operation.ManageKey or Operation.ReshareKey || operation.IsDataPlane();

    private ValueTask<CustosError?> ResidencyAsync(Operation operation, KeyFacts? key, CancellationToken cancellationToken) =>
        key is not null && IsResidencyChecked(operation) ? residency.CheckAsync(key, cancellationToken) : ValueTask.FromResult<CustosError?>(null);

    /// <summary>The policy's view of a request now.</summary>
    public AccessRequest RequestFor(Principal principal, Operation operation, KeyFacts? key) =>
        new(principal, operation, key, principal.Request?.JustificationCode, principal.Request?.ClientIp, time.GetUtcNow());
}
