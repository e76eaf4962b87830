using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Server.Hosting;

/// <summary>
/// Gives every /v1 request a <see cref="RequestInfo"/> (request id, client address, justification) that
/// the core records with its event, and records the requests the core never saw (no or bad credential,
/// unreadable input, unknown route, over a rate limit) before their response is sent. If such an event
/// cannot be made durable, the request is answered 503 audit-unavailable instead (or, if the response had
/// started, aborted). <c>GET /v1/health</c> is not recorded: load balancers poll it.
/// </summary>
/// <remarks>
/// An invalid <c>Custos-Justification</c> header is left off the <see cref="RequestInfo"/> here and refused
/// (400) by the /v1 route group's filter (<see cref="Api.Rest.RestApi"/>), after authentication, so that its
/// event names the caller. Whoever answers a request the core never saw can name the error code its event
/// records with <see cref="RecordErrorAs"/>; otherwise it is <c>http-STATUS</c>.
/// </remarks>
public sealed class AuditMiddleware(RequestDelegate next, IAuditLog log, NodeIdentity node, TimeProvider time)
{
    /// <summary>Header carrying a justification (<see cref="Core.Access.Justification"/>).</summary>
    public const string JustificationHeader = Core.Access.Justification.HeaderName;
    internal const string ItemKey = "custos.request";
    private const string ErrorItemKey = "custos.audit-error";

    /// <summary>The error code to record for a request the core never saw (instead of <c>http-STATUS</c>).</summary>
    public static void RecordErrorAs(HttpContext context, ErrorCode code) => context.Items[ErrorItemKey] = code;

    /// <summary>Runs the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/v1") || path.StartsWithSegments("/v1/health"))
        {
            await next(context);
            return;
        }
        var justification = Core.Access.Justification.Parse(context.Request.Headers[JustificationHeader]);
        var info = new RequestInfo(context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), justification.IsSuccess ? justification.Value : null);
        context.Items[ItemKey] = info;
        // With the audit log off the request still carries its address and justification: policy conditions test them.
        if (!log.IsEnabled)
        {
            await next(context);
            return;
        }
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
        var (outcome, error) = context.Items[ErrorItemKey] is ErrorCode code
            ? (AuditRecorder.OutcomeOf(code), code.WireName())
            : (status < 400 ? AuditOutcome.Allowed : status is 401 or 403 ? AuditOutcome.Denied : AuditOutcome.Failed, status < 400 ? null : "http-" + status);
        var auditEvent = AuditEvent.For(time.GetUtcNow(), node, principal, info, "http." + context.Request.Method.ToLowerInvariant(), outcome, error);
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
