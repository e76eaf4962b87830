using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>GET /v1/keys/{key} — one key by id or alias.</summary>
public static class GetKey
{
    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        KeyRoute.Map(keys, "GET", "", Handle).Configure(b => b.WithSummary("Show a key").Produces<KeyResponse>().ProducesProblem(404));

    private static async Task<IResult> Handle(KeyRoute key, HttpContext http, KeyManagementService keys, CancellationToken ct) =>
        (await keys.GetAsync(http.Principal(), key.Reference, ct)).ToHttp(KeyResponse.From);
}
