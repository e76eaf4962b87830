using Custos.Core.Audit;
using Custos.Core.Ports;
using Custos.Core.Residency;

namespace Custos.Core.Tests.Fakes;

/// <summary>The legal register in memory, with its audit events written to the shared fake log.</summary>
public sealed class InMemoryProviderRepository(InMemoryAuditLog audit) : IProviderRepository
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RegisteredProvider> _entries = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<RegisteredProvider>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<RegisteredProvider>>(_entries.Values.OrderBy(e => e.Provider.Id, StringComparer.Ordinal).ToList());
    }

    public Task<RegisteredProvider?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_entries.GetValueOrDefault(id));
    }

    public Task<bool> PutAsync(Provider provider, string updatedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (auditEvent is not null) audit.Add(auditEvent);
            var created = !_entries.ContainsKey(provider.Id);
            _entries[provider.Id] = new RegisteredProvider(Provider.Parse(provider.ToCanonicalJson()).Value, at, updatedBy);
            return Task.FromResult(created);
        }
    }

    public Task<bool> DeleteAsync(string id, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_entries.ContainsKey(id)) return Task.FromResult(false);
            if (auditEvent is not null) audit.Add(auditEvent);
            return Task.FromResult(_entries.Remove(id));
        }
    }
}
