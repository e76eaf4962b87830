using Custos.Core.Approvals;
using Custos.Core.Errors;
using Custos.Core.Service;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Server.Api.Rest.Approvals;

/// <summary>
/// Quorum approvals: GET /v1/approvals (filters <c>status</c>, <c>mine</c>, <c>for-me</c>, <c>limit</c>),
/// GET /v1/approvals/{id} (with the statements to sign), POST /v1/approvals/{id}/approve and /deny with
/// <c>{"signature": base64, "reason": "..."}</c>. Thin translators over <see cref="ApprovalService"/>.
/// </summary>
public static class ApprovalEndpoints
{
    /// <summary>A decision: the base64 signature over the request's statement for that decision, and an optional reason.</summary>
    public sealed record DecideRequest(string? Signature = null, string? Reason = null);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder approvals)
    {
        approvals.MapGet("", List).WithName("ListApprovals")
            .WithSummary("Approval requests, newest first: all for approvers and security officers, else one's own")
            .Produces<ApprovalListResponse>().ProducesProblem(400);
        approvals.MapGet("/{id}", Get).WithName("GetApproval")
            .WithSummary("One approval request, with the exact statements an approver signs to approve or deny it")
            .Produces<ApprovalResponse>().ProducesProblem(403).ProducesProblem(404);
        approvals.MapPost("/{id}/approve", (string id, HttpContext http, ApprovalService s, TimeProvider t, CancellationToken ct) => Decide(id, ApprovalVerdict.Approve, http, s, t, ct))
            .WithName("ApproveRequest").WithSummary("Approve with a signature over the request's approve statement")
            .Accepts<DecideRequest>("application/json").Produces<ApprovalResponse>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        approvals.MapPost("/{id}/deny", (string id, HttpContext http, ApprovalService s, TimeProvider t, CancellationToken ct) => Decide(id, ApprovalVerdict.Deny, http, s, t, ct))
            .WithName("DenyRequest").WithSummary("Deny with a signature over the request's deny statement (one denial denies)")
            .Accepts<DecideRequest>("application/json").Produces<ApprovalResponse>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<IResult> List(HttpContext http, ApprovalService s, TimeProvider time, CancellationToken ct,
        [FromQuery] string? status = null, [FromQuery] bool? mine = null, [FromQuery(Name = "for-me")] bool? forMe = null, [FromQuery] int? limit = null)
    {
        ApprovalStatus? wanted = null;
        if (status is not null && (wanted = ApprovalNames.ParseStatus(status)) is null)
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "status is one of pending, approved, denied, expired, executed");
        var result = await s.ListAsync(http.Principal(), new ApprovalFilter(wanted, mine ?? false, forMe ?? false, limit ?? 100), ct);
        var now = time.GetUtcNow();
        return result.ToHttp(list => new ApprovalListResponse(list.Select(r => ApprovalResponse.From(r, now, withStatements: false)).ToList()));
    }

    private static async Task<IResult> Get(string id, HttpContext http, ApprovalService s, TimeProvider time, CancellationToken ct) =>
        (await s.GetAsync(http.Principal(), id, ct)).ToHttp(r => ApprovalResponse.From(r, time.GetUtcNow(), withStatements: true));

    private static async Task<IResult> Decide(string id, ApprovalVerdict verdict, HttpContext http, ApprovalService s, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.DecideRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value?.Signature is not { Length: > 0 } text)
            return ProblemMapper.Problem(ErrorCode.ValidationFailed,
                $"send {{\"signature\": base64}}: the signature over the '{verdict.Name()}' statement of GET /v1/approvals/{{id}} ('custos approvals {verdict.Name()} ID --key FILE' makes it)");
        var signature = new byte[ApprovalService.MaxSignature];
        if (!Convert.TryFromBase64String(text, signature, out int length))
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, $"signature is not base64 of at most {ApprovalService.MaxSignature} bytes");
        var result = await s.DecideAsync(http.Principal(), id, verdict, signature[..length], body.Value.Reason, ct);
        return result.ToHttp(r => ApprovalResponse.From(r, time.GetUtcNow(), withStatements: false));
    }
}
