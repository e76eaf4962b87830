using System.Reflection;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>
/// The key named by a route: <c>/v1/keys/{key}/...</c> (an id) or <c>/v1/keys/alias/{alias}/...</c>.
/// Bound from route values, so every key endpoint takes one parameter of this type.
/// </summary>
public readonly record struct KeyRoute(string Reference)
{
    /// <summary>Minimal-API binding from the route values "key" or "alias".</summary>
    public static ValueTask<KeyRoute> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var values = context.Request.RouteValues;
        var reference = values.TryGetValue("alias", out var alias) && alias is string a ? "alias/" + a : values["key"] as string ?? "";
        return ValueTask.FromResult(new KeyRoute(reference));
    }

    /// <summary>Maps <paramref name="handler"/> at <c>{key}{suffix}</c> and <c>alias/{alias}{suffix}</c>.</summary>
    public static IEnumerable<RouteHandlerBuilder> Map(RouteGroupBuilder keys, string method, string suffix, Delegate handler) =>
    [
        keys.MapMethods("/{key}" + suffix, [method], handler),
        keys.MapMethods("/alias/{alias}" + suffix, [method], handler),
    ];
}

/// <summary>Applies endpoint metadata to both routes of a key endpoint.</summary>
public static class KeyRouteBuilderExtensions
{
    /// <summary>Applies <paramref name="configure"/> to every builder.</summary>
    public static void Configure(this IEnumerable<RouteHandlerBuilder> builders, Action<RouteHandlerBuilder> configure)
    {
        foreach (var b in builders) configure(b);
    }
}
