using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary>
/// The custodian protocol's routes under <c>/v1/custodian</c>, one file per endpoint. The group resolves the calling
/// server from its client certificate once (<see cref="TrustedServers"/>); every handler is a thin translator over
/// <see cref="RoundService"/>, <see cref="PartialService"/>, <see cref="ShareLifecycle"/> and the audit store.
/// </summary>
public static class CustodianApi
{
    private const string ServerItem = "custodian.server";

    /// <summary>Maps every route.</summary>
    public static void MapCustodianApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(CustodianProtocol.Prefix);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // The handshake already checked the certificate; a connection keeps its certificate, so it is identified once.
            var connection = http.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items;
            if (connection?.TryGetValue(ServerItem, out var known) != true || known is not TrustedServerOptions server)
            {
                var trusted = http.RequestServices.GetRequiredService<TrustedServers>();
                server = trusted.Identify(http.Connection.ClientCertificate, null, out var why)!;
                if (server is null) return await RefuseAsync(http, "unknown", new Refusal(403, "untrusted-server", $"client certificate refused: {why}"));
                if (connection is not null) connection[ServerItem] = server;
            }
            http.Items[ServerItem] = server;
            return await next(context);
        });
        InfoEndpoint.Map(group);
        RoundEndpoints.Map(group);
        PartialEndpoint.Map(group);
        KeyEndpoints.Map(group);
        AuditEndpoints.Map(group);
    }

    /// <summary>The server the request came from (set by the group's filter).</summary>
    internal static TrustedServerOptions Server(HttpContext http) => (TrustedServerOptions)http.Items[ServerItem]!;

    /// <summary>Reads a JSON body; a refusal (audited) when it is absent or not the expected shape.</summary>
    internal static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type) where T : class
    {
        Refusal refusal;
        if (request.HasJsonContentType() is false)
        {
            refusal = new Refusal(415, "unsupported-media-type", "send the body as JSON with 'Content-Type: application/json'");
        }
        else
        {
            try
            {
                var value = await request.ReadFromJsonAsync(type, request.HttpContext.RequestAborted);
                if (value is not null) return value;
                refusal = Refusal.Invalid("the body is empty");
            }
            catch (JsonException e)
            {
                refusal = Refusal.Invalid("the body is not valid JSON for this request: " + (e.Path is { } path ? $"at {path}" : "malformed"));
            }
        }
        await AuditRefusalAsync(request.HttpContext, Server(request.HttpContext).Name, refusal);
        return refusal;
    }

    // A request refused before it reached the custodian's logic is still one audit event.
    private static async Task<IResult> RefuseAsync(HttpContext http, string server, Refusal refusal)
    {
        await AuditRefusalAsync(http, server, refusal);
        return Problem(refusal);
    }

    private static async Task AuditRefusalAsync(HttpContext http, string server, Refusal refusal)
    {
        var audit = http.RequestServices.GetRequiredService<CustodianAudit>();
        var path = http.Request.Path.Value ?? "";
        await audit.AppendAsync(audit.Event(server, "custodian.request", Core.Audit.AuditOutcome.Failed, refusal.Code, evidence: new Dictionary<string, string>
        {
            ["reason"] = refusal.Detail, ["path"] = path.Length <= 300 ? path : path[..300], ["method"] = http.Request.Method,
        }), http.RequestAborted);
    }

    /// <summary>The value as JSON, or its refusal as problem+json.</summary>
    internal static IResult Answer<T>(Outcome<T> outcome, JsonTypeInfo<T> type) =>
        outcome.Refusal is { } refusal ? Problem(refusal) : Results.Json(outcome.Value, type);

    /// <summary>problem+json (RFC 9457) with a stable type.</summary>
    internal static IResult Problem(Refusal refusal) => Results.Json(
        new CustodianProblem(CustodianProtocol.ProblemTypePrefix + refusal.Code, Title(refusal.Status), refusal.Status, refusal.Detail, refusal.Reason),
        CustodianJson.Default.CustodianProblem, "application/problem+json", refusal.Status);

    private static string Title(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";
}
