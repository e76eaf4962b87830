using Custos.Core.Access;

namespace Custos.Server.Api.Rest;

/// <summary>Reads the authenticated principal that <see cref="Hosting.BearerTokenHandler"/> put on the request.</summary>
public static class PrincipalAccessor
{
    internal const string ItemKey = "custos.principal";

    /// <summary>The caller; only valid on endpoints that require authorization.</summary>
    public static Principal Principal(this HttpContext context) =>
        context.Items[ItemKey] as Principal ?? throw new InvalidOperationException("endpoint is missing RequireAuthorization()");
}
