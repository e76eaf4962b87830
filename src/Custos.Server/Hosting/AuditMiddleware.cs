using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Server.Hosting;

/// <summary>
/// Gives every /v1 request a <see cref="RequestInfo"/> (request id, client address, justification) that
/// the core records with its event, and records the requests the core never saw (no or bad credential,
/// unreadable input, unknown route) before their response is sent. If such an event cannot be made
/// durable, the request is answered 503 audit-unavailable instead (or, if the response had started,
/// aborted). <c>GET /v1/health</c> is not recorded: load balancers poll it.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, IAuditLog log, NodeIdentity node, TimeProvider time)
{
    /// <summary>Header carrying a justification code.</summary>
    public const string JustificationHeader = "Custos-Justification";
    internal const string ItemKey = "custos.request";

    /// <summary>Runs the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/v1") || path.StartsWithSegments("/v1/health"))
        {
            await next(context);
            return;
        }
        string? justification = context.Request.Headers[JustificationHeader];
        if (justification is { Length: > 256 } || (justification is not null && justification.Any(char.IsControl))) justification = "(invalid)";
        var info = new RequestInfo(context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), justification);
        context.Items[ItemKey] = info;
        context.Response.OnStarting(() => RecordIfUnrecordedAsync(context, info));
        log.RequestStarted();
        try
        {
            await next(context);
        }
        finally
        {
            if (info.ReleaseLogSlot()) log.RequestEnded();
        }
    }

    private async Task RecordIfUnrecordedAsync(HttpContext context, RequestInfo info)
    {
        if (info.Handled) return;
        var status = context.Response.StatusCode;
        var principal = context.Items[Api.Rest.PrincipalAccessor.ItemKey] is Core.Access.Principal p ? p.Id : "anonymous";
        var auditEvent = AuditEvent.For(time.GetUtcNow(), node.Name, principal, info, "http." + context.Request.Method.ToLowerInvariant(),
            status < 400 ? AuditOutcome.Allowed : status is 401 or 403 ? AuditOutcome.Denied : AuditOutcome.Failed,
            status < 400 ? null : "http-" + status);
        try
        {
            await log.AppendAsync(auditEvent, info, context.RequestAborted);
            info.MarkRecorded();
        }
        catch (CustosUnavailableException)
        {
            // Nothing may be answered that the log does not hold: the connection is cut.
            context.Abort();
        }
    }
}
