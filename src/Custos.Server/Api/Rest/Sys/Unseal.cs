using Custos.Core.Seal;

namespace Custos.Server.Api.Rest.Sys;

/// <summary>POST /v1/sys/unseal — unauthenticated: submits one share; unseals at the threshold.</summary>
public static class Unseal
{
    /// <summary>Request: one share as printed by init.</summary>
    public sealed record Request(string? Share = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder sys) =>
        sys.MapPost("/unseal", Handle).WithName("Unseal").WithSummary("Submit an unseal share").AllowAnonymous()
            .Accepts<Request>("application/json").Produces<Health.Response>().ProducesProblem(400);

    private static async Task<IResult> Handle(HttpContext http, SealManager seal, Hosting.ServerOptions options, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.UnsealRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value?.Share is not { Length: > 0 } share) return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, "share is required");
        var result = await seal.SubmitShareAsync(share, http.Items[Hosting.AuditMiddleware.ItemKey] as Core.Audit.RequestInfo, ct);
        return result.IsSuccess
            ? Results.Json(Health.From(result.Value, options.DevMode), ApiJsonContext.Default.HealthResponse)
            : ProblemMapper.ToResult(result.Error);
    }
}
