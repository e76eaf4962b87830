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
}
