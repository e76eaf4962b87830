using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Sys;

/// <summary>POST /v1/sys/seal — drops the keyring from memory; needs the admin scope.</summary>
public static class Seal
{
    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder sys) =>
        sys.MapPost("/seal", Handle).WithName("Seal").WithSummary("Seal Custos").RequireAuthorization()
            .Produces<Health.Response>().ProducesProblem(403);

    private static async Task<IResult> Handle(HttpContext http, AdministrationService admin, Hosting.ServerOptions options, CancellationToken ct)
    {
        var result = await admin.SealAsync(http.Principal(), ct);
        return result.IsSuccess
            ? Results.Json(Health.From(result.Value, options.DevMode), ApiJsonContext.Default.HealthResponse)
            : ProblemMapper.ToResult(result.Error);
    }
}
