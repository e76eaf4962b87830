using Custos.Core.Seal;

namespace Custos.Server.Api.Rest.Sys;

/// <summary>GET /v1/health — unauthenticated: initialised, sealed, version, a pending init ceremony. 200 when ready, 503 otherwise.</summary>
public static class Health
{
    /// <summary>The response body.</summary>
    public sealed record Response(bool Initialized, bool Sealed, string? SealType, int Threshold, int Shares, int Progress, string Version, bool DevMode,
        string? PendingCeremony = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapGet("/health", Handle).WithName("Health").WithSummary("Health and seal status").AllowAnonymous()
            .Produces<Response>().Produces<Response>(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> Handle(SealManager seal, Hosting.ServerOptions options, CancellationToken ct)
    {
        var s = await seal.GetStatusAsync(ct);
        var body = From(s, options.DevMode);
        return Results.Json(body, ApiJsonContext.Default.HealthResponse, statusCode: s.Initialized && !s.Sealed ? 200 : 503);
    }

    /// <summary>Maps a seal status.</summary>
    public static Response From(SealStatus s, bool devMode) =>
        new(s.Initialized, s.Sealed, s.Type, s.Threshold, s.Shares, s.Progress, Hosting.ServerInfo.Version, devMode, s.PendingCeremony);
}
