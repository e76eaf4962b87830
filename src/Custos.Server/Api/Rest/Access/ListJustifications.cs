using Custos.Core.Access;

namespace Custos.Server.Api.Rest.Access;

/// <summary>
/// GET /v1/justifications — the published justification codes a data-plane request may carry in its
/// <c>Custos-Justification</c> header, each with what it means. Any authenticated caller may read it.
/// </summary>
public static class ListJustifications
{
    /// <summary>One code and its meaning.</summary>
    public sealed record Item(string Code, string Description);

    /// <summary>Response: every published code, in the published order.</summary>
    public sealed record Response(IReadOnlyList<Item> Justifications);

    private static readonly Response Published = new(Justification.Codes.Select(c => new Item(c.Code, c.Description)).ToList());

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapGet("/justifications", () => Results.Json(Published, ApiJsonContext.Default.JustificationsResponse))
            .RequireAuthorization().WithTags("Access").WithName("ListJustifications")
            .WithSummary("The published justification codes for the Custos-Justification header").Produces<Response>();
}
