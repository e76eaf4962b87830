using Custos.Core.Access;
using Custos.Core.Approvals;

namespace Custos.Server.Api.Rest.Approvals;

/// <summary>One signed decision: who, approve or deny, why, when, the SHA-256 of the key that signed and the signature (base64).</summary>
public sealed record DecisionResponse(string Approver, string ApproverName, string Decision, string? Reason, DateTimeOffset At, string PublicKeySha256, byte[] Signature);

/// <summary>
/// An approval request. <see cref="ApproveStatement"/> and <see cref="DenyStatement"/> (on <c>GET /v1/approvals/{id}</c>)
/// are the exact texts an approver signs, UTF-8, for each decision.
/// </summary>
public sealed record ApprovalResponse(
    string Id, string Status, string Requester, string RequesterName, string Operation, string? KeyId, string? ContextSha256, string? Parameters,
    int PolicyVersion, string Rule, int Required, string? Group, int Approvals, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt,
    string? GrantId, string? Outcome, IReadOnlyList<DecisionResponse> Decisions, string? ApproveStatement = null, string? DenyStatement = null)
{
    /// <summary>The response for <paramref name="r"/> as it stands at <paramref name="now"/>, with the statements when <paramref name="withStatements"/>.</summary>
    public static ApprovalResponse From(ApprovalRequest r, DateTimeOffset now, bool withStatements) => new(
        r.Id, r.StatusAt(now).Name(), r.Requester.Id, r.Requester.Name, r.Operation.Name(), r.KeyId, r.ContextSha256, r.Parameters,
        r.PolicyVersion, r.RuleId, r.Requirement.Count, r.Requirement.Group, r.Approvals, r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.GrantId, r.Outcome,
        r.Decisions.Select(d => new DecisionResponse(d.ApproverId, d.ApproverName, d.Verdict.Name(), d.Reason, d.At,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(d.PublicKey)), d.Signature)).ToList(),
        withStatements ? ApprovalStatement.Text(r, ApprovalVerdict.Approve) : null,
        withStatements ? ApprovalStatement.Text(r, ApprovalVerdict.Deny) : null);
}

/// <summary>A list of approval requests, newest first.</summary>
public sealed record ApprovalListResponse(IReadOnlyList<ApprovalResponse> Approvals);

/// <summary>A grant and where it stands ("live", "used-up", "expired", "revoked").</summary>
public sealed record GrantResponse(
    string Id, string ApprovalId, string Principal, string Operation, string? KeyId, string ContextSha256, IReadOnlyList<string> ApprovedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int Uses, int UsesLeft, string State, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    /// <summary>The response for <paramref name="g"/> at <paramref name="now"/>.</summary>
    public static GrantResponse From(Grant g, DateTimeOffset now) => new(
        g.Id, g.ApprovalId, g.PrincipalId, g.Operation.Name(), g.KeyId, g.ContextSha256, g.ApprovedBy, g.CreatedAt, g.ExpiresAt, g.Uses, g.UsesLeft,
        g.StateAt(now), g.RevokedAt, g.RevokedBy);
}

/// <summary>A list of grants, newest first.</summary>
public sealed record GrantListResponse(IReadOnlyList<GrantResponse> Grants);
