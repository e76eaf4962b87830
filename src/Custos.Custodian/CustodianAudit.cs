using Custos.Core.Access;
using Custos.Core.Audit;

namespace Custos.Custodian;

/// <summary>
/// The custodian's audit events: one per partial request, round step, commit, abort, deletion and refusal, with the
/// requesting server as principal (<c>server:NAME</c>) and the principal it acted for under evidence
/// <c>on-behalf-of</c>. Never key material: events carry names, indexes, fingerprints, counts and reasons.
/// <see cref="AppendAsync"/> returns once the event is durable; when it cannot be, it throws and the request fails.
/// </summary>
public sealed class CustodianAudit(IAuditLog log, NodeIdentity node, TimeProvider time)
{
    /// <summary>An event of <paramref name="server"/>'s request.</summary>
    public AuditEvent Event(string server, string operation, AuditOutcome outcome, string? errorCode, string? keyId = null, int? keyVersion = null,
        IReadOnlyDictionary<string, string>? evidence = null, string? requestId = null, string? justification = null)
    {
        var parsed = justification is null ? null : Justification.Parse(justification) is { IsSuccess: true } ok ? ok.Value : null;
        return AuditEvent.For(time.GetUtcNow(), node, "server:" + server, null, operation, outcome, errorCode) with
        {
            KeyId = keyId,
            KeyVersion = keyVersion,
            Evidence = evidence is { Count: > 0 } ? evidence : null,
            RequestId = requestId,
            Justification = parsed?.Code,
            JustificationText = parsed?.Text,
        };
    }

    /// <summary>Appends durably.</summary>
    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => log.AppendAsync(auditEvent, cancellationToken);
}
