using System.Security.Cryptography;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Ports;

namespace Custos.Core.Tests.Fakes;

/// <summary>Policy versions in memory, with their audit events written to the shared fake log.</summary>
public sealed class InMemoryPolicyRepository(InMemoryAuditLog audit) : IPolicyRepository
{
    private readonly Lock _lock = new();
    private readonly List<PolicyVersion> _versions = [];

    public Task<PolicyVersion?> GetActiveAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_versions.SingleOrDefault(v => v.Status == PolicyStatus.Active));
    }

    public Task<PolicyVersion?> GetAsync(int version, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_versions.SingleOrDefault(v => v.Version == version));
    }

    public Task<IReadOnlyList<PolicyVersion>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<PolicyVersion>>(_versions.OrderByDescending(v => v.Version).ToList());
    }

    public async Task<PolicyVersion> ProposeAsync(PolicyDocument document, string author, string comment, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        if (auditEvent is not null) await audit.AppendAsync(auditEvent, cancellationToken);
        lock (_lock)
        {
            var version = new PolicyVersion(_versions.Count + 1, document, SHA256.HashData(document.ToCanonicalJson()), author, comment, at, PolicyStatus.Pending, null, null);
            _versions.Add(version);
            return version;
        }
    }

    public async Task<bool> DecideAsync(int version, bool approve, string decidedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var i = _versions.FindIndex(v => v.Version == version && v.Status == PolicyStatus.Pending);
            if (i < 0) return false;
            if (approve)
            {
                for (int j = 0; j < _versions.Count; j++)
                {
                    if (_versions[j].Status == PolicyStatus.Active) _versions[j] = _versions[j] with { Status = PolicyStatus.Superseded };
                }
            }
            _versions[i] = _versions[i] with { Status = approve ? PolicyStatus.Active : PolicyStatus.Rejected, DecidedBy = decidedBy, DecidedAt = at };
        }
        if (auditEvent is not null) await audit.AppendAsync(auditEvent, cancellationToken);
        return true;
    }
}
