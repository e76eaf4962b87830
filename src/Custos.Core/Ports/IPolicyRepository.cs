using Custos.Core.Access.Policy;
using Custos.Core.Audit;

namespace Custos.Core.Ports;

/// <summary>Persistence of the versioned access policy.</summary>
public interface IPolicyRepository
{
    /// <summary>The version in force, or null when none was ever approved (the default applies).</summary>
    Task<PolicyVersion?> GetActiveAsync(CancellationToken cancellationToken);

    /// <summary>One version, or null.</summary>
    Task<PolicyVersion?> GetAsync(int version, CancellationToken cancellationToken);

    /// <summary>Every stored version, newest first.</summary>
    Task<IReadOnlyList<PolicyVersion>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a pending version numbered one above the highest so far, with its audit event, in one transaction.</summary>
    Task<PolicyVersion> ProposeAsync(PolicyDocument document, string author, string comment, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Approves (the version becomes active, the active one superseded) or rejects a pending version, with
    /// its audit event, in one transaction; false when it is no longer pending.
    /// </summary>
    Task<bool> DecideAsync(int version, bool approve, string decidedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken);
}
