namespace Custos.Core.Approvals;

/// <summary>
/// One approver's signed decision on a request: the approver, approve or deny, an optional reason, the public
/// key (DER SubjectPublicKeyInfo) the signature verified with, and the signature over the request's
/// statement for that verdict (<see cref="ApprovalStatement"/>), so that anyone can check it again later.
/// </summary>
public sealed record ApprovalDecision(
    string ApproverId,
    string ApproverName,
    ApprovalVerdict Verdict,
    string? Reason,
    byte[] PublicKey,
    byte[] Signature,
    DateTimeOffset At);
