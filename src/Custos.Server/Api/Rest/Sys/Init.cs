using Custos.Core.Seal;

namespace Custos.Server.Api.Rest.Sys;

/// <summary>
/// POST /v1/sys/init — unauthenticated, only once: makes the root key, splits it into K-of-N shares and
/// returns them with the root token. Nothing returned here is stored by Custos.
/// </summary>
public static class Init
{
    /// <summary>
    /// Request: number of shares and threshold, and the seal type: "shamir" (default: the shares unseal) or
    /// "hsm" (the configured HSM wraps the root key and unseals Custos at start; the shares are for recovery).
    /// </summary>
    public sealed record Request(int Shares, int Threshold, string? SealType = null);

    /// <summary>Response: the shares, the root token, the root key id and the seal type (with "hsm", Custos is already unsealed).</summary>
    public sealed record Response(IReadOnlyList<string> Shares, string RootToken, string RootKeyId, int Threshold, string SealType);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder sys) =>
        sys.MapPost("/init", Handle).WithName("Init").WithSummary("Initialise Custos").AllowAnonymous()
            .Accepts<Request>("application/json").Produces<Response>().ProducesProblem(400).ProducesProblem(409);

    private static async Task<IResult> Handle(HttpContext http, SealManager seal, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.InitRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value is not { } req) return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, "shares and threshold are required");
        var type = req.SealType ?? SealManager.ShamirType;
        if (type is not (SealManager.ShamirType or SealManager.HsmType))
            return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, $"unknown seal type '{type}' (shamir, hsm)");
        var result = await seal.InitializeAsync(req.Shares, req.Threshold, type, http.Items[Hosting.AuditMiddleware.ItemKey] as Core.Audit.RequestInfo, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new Response(result.Value.Shares, result.Value.RootToken, result.Value.RootKeyId, req.Threshold, type), ApiJsonContext.Default.InitResponse);
    }
}
