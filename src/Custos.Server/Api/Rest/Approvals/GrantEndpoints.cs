using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Approvals;

/// <summary>
/// Grants yielded by approvals: GET /v1/grants (all for security officers, else one's own and those one approved),
/// POST /v1/grants/{id}/revoke (security officers and the approvers who made it). Thin translators over <see cref="GrantService"/>.
/// </summary>
public static class GrantEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder grants)
    {
        grants.MapGet("", async (HttpContext http, GrantService s, TimeProvider time, CancellationToken ct) =>
                (await s.ListAsync(http.Principal(), ct)).ToHttp(list => new GrantListResponse(list.Select(g => GrantResponse.From(g, time.GetUtcNow())).ToList())))
            .WithName("ListGrants").WithSummary("Grants, newest first").Produces<GrantListResponse>();
        grants.MapPost("/{id}/revoke", async (string id, HttpContext http, GrantService s, TimeProvider time, CancellationToken ct) =>
                (await s.RevokeAsync(http.Principal(), id, ct)).ToHttp(g => GrantResponse.From(g, time.GetUtcNow())))
            .WithName("RevokeGrant").WithSummary("Revoke a grant: it serves no further request").Produces<GrantResponse>().ProducesProblem(403).ProducesProblem(404);
    }
}
