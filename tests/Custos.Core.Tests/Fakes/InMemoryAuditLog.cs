using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Core.Tests.Fakes;

/// <summary>An audit log fake: keeps events in order; <see cref="Failing"/> makes every append fail.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEvent> _events = [];

    public bool Failing { get; set; }

    public IReadOnlyList<AuditEvent> Events { get { lock (_events) return _events.ToList(); } }

    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        Add(auditEvent);
        return ValueTask.CompletedTask;
    }

    /// <summary>What a repository calls inside its "transaction": throws (and stores nothing) when failing.</summary>
    public void Add(AuditEvent auditEvent)
    {
        if (Failing) throw Error.Unavailable("audit store down");
        lock (_events) _events.Add(auditEvent);
    }
}
