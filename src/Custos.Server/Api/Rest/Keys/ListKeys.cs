using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>GET /v1/keys?limit=N&amp;after=CURSOR — pages through keys in id order.</summary>
public static class ListKeys
{
    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        keys.MapGet("", Handle).WithName("ListKeys").WithSummary("List keys").Produces<KeyListResponse>();

    private static async Task<IResult> Handle(HttpContext http, KeyManagementService keys, CancellationToken ct, int? limit = null, string? after = null)
    {
        var result = await keys.ListAsync(http.Principal(), after, limit ?? 100, ct);
        return result.ToHttp(page => new KeyListResponse(page.Keys.Select(KeyResponse.From).ToList(), page.NextCursor));
    }
}
