namespace Custos.Core.Audit;

/// <summary>
/// The audit log port. <see cref="AppendAsync"/> returns only once the event is durable (it may wait to
/// share one commit with other events); when it cannot be made durable it throws
/// <see cref="Errors.CustosUnavailableException"/> and the caller must refuse the request. Events that
/// describe a change are instead written by the repository in the same transaction as the change.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends an event durably.</summary>
    ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>False when the deployment runs without an audit log (see <see cref="DisabledAuditLog"/>).</summary>
    bool IsEnabled => true;

    /// <summary>
    /// A hint for group commit: a request that will probably append an event has started. While
    /// every started request already has its event queued, waiting longer cannot grow the batch, so
    /// the log commits at once; otherwise it may wait briefly for the others. Pair with
    /// <see cref="RequestEnded"/>.
    /// </summary>
    void RequestStarted() { }

    /// <summary>The request announced by <see cref="RequestStarted"/> has queued its event or ended (call once per request).</summary>
    void RequestEnded() { }

    /// <summary>
    /// Appends the event of <paramref name="request"/>: queues it, then tells the log that this request has
    /// nothing more on its way (once per request, see <see cref="RequestInfo.ReleaseLogSlot"/>), then waits
    /// until it is durable.
    /// </summary>
    ValueTask AppendAsync(AuditEvent auditEvent, RequestInfo? request, CancellationToken cancellationToken)
    {
        // Not an async method: the caller awaits the append itself, one frame fewer to suspend and resume per request.
        // If the append throws at once (log stopped), the request's slot is released when the request ends.
        var appended = AppendAsync(auditEvent, cancellationToken);
        if (request?.ReleaseLogSlot() == true) RequestEnded();
        return appended;
    }
}

/// <summary>
/// The audit log switched off (server option <c>auditLog: false</c>, or <c>custos dev --audit-log=false</c>):
/// events are not kept and nothing proves how keys were used. Custos logs a warning at start when it is off.
/// </summary>
public sealed class DisabledAuditLog : IAuditLog
{
    /// <inheritdoc />
    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool IsEnabled => false;
}
