using System.Text.Json;
using Custos.Core.Access.Policy;
using Custos.Core.Errors;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Policy;

/// <summary>
/// The access policy: GET /v1/policy (in force), GET /v1/policy/versions[/{version}], POST /v1/policy
/// (propose), POST /v1/policy/versions/{version}/approve|reject (a second security officer),
/// POST /v1/policy/explain. Thin translators over <see cref="PolicyService"/>.
/// </summary>
public static class PolicyEndpoints
{
    /// <summary>A proposal: the policy document (see docs/access.md) and why.</summary>
    public sealed record ProposeRequest(JsonElement Document, string? Comment = null);

    /// <summary>A policy version; <see cref="Document"/> is absent in lists.</summary>
    public sealed record PolicyResponse(int Version, string Status, string Author, string Comment, DateTimeOffset CreatedAt,
        string? DecidedBy, DateTimeOffset? DecidedAt, string Sha256, JsonElement? Document = null);

    /// <summary>The list of versions.</summary>
    public sealed record PolicyListResponse(IReadOnlyList<PolicyResponse> Versions);

    /// <summary>An explain query: a principal id, or the roles and groups of a hypothetical principal.</summary>
    public sealed record ExplainRequest(string? Operation = null, string? Principal = null, IReadOnlyList<string>? Roles = null, IReadOnlyList<string>? Groups = null,
        string? Key = null, string? Justification = null, string? ClientAddress = null, DateTimeOffset? Time = null, int? Version = null);

    /// <summary>How one rule related to the query.</summary>
    public sealed record RuleTraceResponse(string Id, string Effect, bool Applies, string Why);

    /// <summary>The decision, the deciding rule and why, and every rule's trace.</summary>
    public sealed record ExplainResponse(string Decision, string Rule, string Reason, int PolicyVersion, string Principal, string? Key,
        IReadOnlyList<RuleTraceResponse> Rules, ApprovalRequirement? Approvals = null, RateCondition? Rate = null);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder policy)
    {
        policy.MapGet("", async (HttpContext http, PolicyService s, CancellationToken ct) =>
            (await s.GetActiveAsync(http.Principal(), ct)).ToHttp(v => From(v, withDocument: true)))
            .WithName("GetPolicy").WithSummary("The access policy in force (version 0 is the built-in default)").Produces<PolicyResponse>();
        policy.MapGet("/versions", async (HttpContext http, PolicyService s, CancellationToken ct) =>
            (await s.ListAsync(http.Principal(), ct)).ToHttp(list => new PolicyListResponse(list.Select(v => From(v, withDocument: false)).ToList())))
            .WithName("ListPolicyVersions").WithSummary("Every policy version: pending, active, superseded, rejected").Produces<PolicyListResponse>();
        policy.MapGet("/versions/{version:int}", async (int version, HttpContext http, PolicyService s, CancellationToken ct) =>
            (await s.GetAsync(http.Principal(), version, ct)).ToHttp(v => From(v, withDocument: true)))
            .WithName("GetPolicyVersion").WithSummary("One policy version with its document").Produces<PolicyResponse>().ProducesProblem(404);
        policy.MapPost("", Propose).WithName("ProposePolicy").WithSummary("Propose a new policy version (in force once another security officer approves it)")
            .Accepts<ProposeRequest>("application/json").Produces<PolicyResponse>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403);
        policy.MapPost("/versions/{version:int}/approve", (int version, HttpContext http, PolicyService s, CancellationToken ct) => Decide(version, true, http, s, ct))
            .WithName("ApprovePolicy").WithSummary("Approve a pending version (a security officer other than its author)").Produces<PolicyResponse>().ProducesProblem(403).ProducesProblem(409);
        policy.MapPost("/versions/{version:int}/reject", (int version, HttpContext http, PolicyService s, CancellationToken ct) => Decide(version, false, http, s, ct))
            .WithName("RejectPolicy").WithSummary("Reject a pending version").Produces<PolicyResponse>().ProducesProblem(403).ProducesProblem(409);
        policy.MapPost("/explain", Explain).WithName("ExplainPolicy").WithSummary("Which rule decides whether a principal may do an operation on a key, and why")
            .Accepts<ExplainRequest>("application/json").Produces<ExplainResponse>().ProducesProblem(400);
    }

    private static async Task<IResult> Propose(HttpContext http, PolicyService s, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.ProposeRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value is not { } req || req.Document.ValueKind != JsonValueKind.Object)
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "send {\"document\": {\"rules\": [...]}, \"comment\": \"...\"}");
        var result = await s.ProposeAsync(http.Principal(), JsonSerializer.SerializeToUtf8Bytes(req.Document, ApiJsonContext.Default.JsonElement), req.Comment, ct);
        return result.IsSuccess
            ? Results.Json(From(result.Value, withDocument: true), ApiJsonContext.Default.PolicyResponse, statusCode: StatusCodes.Status201Created)
            : ProblemMapper.ToResult(result.Error);
    }

    private static async Task<IResult> Decide(int version, bool approve, HttpContext http, PolicyService s, CancellationToken ct) =>
        (await s.DecideAsync(http.Principal(), version, approve, ct)).ToHttp(v => From(v, withDocument: false));

    private static async Task<IResult> Explain(HttpContext http, PolicyService s, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.ExplainRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value is not { Operation: { Length: > 0 } operation } req)
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "'operation' is required (and 'principal', or 'roles'/'groups')");
        var query = new ExplainQuery(req.Principal, req.Roles, req.Groups, operation, req.Key, req.Justification, req.ClientAddress, req.Time, req.Version);
        return (await s.ExplainAsync(http.Principal(), query, ct)).ToHttp(e => new ExplainResponse(
            e.Decision.Kind switch { DecisionKind.Allow => "allow", DecisionKind.Deny => "deny", _ => "approval-required" },
            e.Decision.RuleId, e.Decision.Reason, e.Decision.PolicyVersion, e.Subject.Id, e.Key?.Id,
            e.Decision.Trace.Select(t => new RuleTraceResponse(t.RuleId, t.Effect == PolicyEffect.Allow ? "allow" : "deny", t.Applies, t.Why)).ToList(),
            e.Decision.Approvals, e.Decision.Rate));
    }

    private static PolicyResponse From(PolicyVersion v, bool withDocument) =>
        new(v.Version, v.Status.ToString().ToLowerInvariant(), v.Author, v.Comment, v.CreatedAt, v.DecidedBy, v.DecidedAt, Convert.ToHexStringLower(v.Sha256),
            withDocument ? JsonDocument.Parse(v.Document.ToCanonicalJson()).RootElement.Clone() : null);
}
