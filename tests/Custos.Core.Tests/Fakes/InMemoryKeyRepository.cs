using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Core.Tests.Fakes;

/// <summary>A repository fake that stores deep copies, so tests see only what was saved.</summary>
public sealed class InMemoryKeyRepository(InMemoryAuditLog audit) : IKeyRepository
{
    private readonly Dictionary<string, ManagedKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Makes the next update answer Conflict once (to test retries).</summary>
    public int ConflictsToInject { get; set; }

    public Task<ManagedKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_keys.TryGetValue(id, out var k) ? Copy(k) : null);
    }

    public Task<ManagedKey?> GetByAliasAsync(string alias, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_keys.Values.FirstOrDefault(k => k.Alias == alias) is { } k ? Copy(k) : null);
    }

    public Task<KeyPage> ListAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var page = _keys.Values.OrderBy(k => k.Id, StringComparer.Ordinal)
                .Where(k => afterId is null || string.CompareOrdinal(k.Id, afterId) > 0).Take(limit + 1).Select(Copy).ToList();
            var next = page.Count > limit ? page[limit - 1].Id : null;
            return Task.FromResult(new KeyPage(page.Take(limit).ToList(), next));
        }
    }

    public Task<SaveOutcome> InsertAsync(ManagedKey key, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_keys.ContainsKey(key.Id)) return Task.FromResult(SaveOutcome.Duplicate);
            if (key.Alias is not null && _keys.Values.Any(k => k.Alias == key.Alias)) return Task.FromResult(SaveOutcome.AliasTaken);
            if (auditEvent is not null) audit.Add(auditEvent);
            key.MarkSaved(1);
            _keys[key.Id] = Copy(key);
            return Task.FromResult(SaveOutcome.Saved);
        }
    }

    public Task<SaveOutcome> UpdateAsync(ManagedKey key, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (ConflictsToInject > 0) { ConflictsToInject--; return Task.FromResult(SaveOutcome.Conflict); }
            if (!_keys.TryGetValue(key.Id, out var stored) || stored.Revision != key.Revision) return Task.FromResult(SaveOutcome.Conflict);
            if (key.Alias is not null && _keys.Values.Any(k => k.Alias == key.Alias && k.Id != key.Id)) return Task.FromResult(SaveOutcome.AliasTaken);
            if (auditEvent is not null) audit.Add(auditEvent);
            key.MarkSaved(key.Revision + 1);
            _keys[key.Id] = Copy(key);
            return Task.FromResult(SaveOutcome.Saved);
        }
    }

    public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> due = _keys.Values.Where(k => k.IsDueForDestruction(now) || k.IsDueForRotation(now)).Select(k => k.Id).ToList();
            return Task.FromResult(due);
        }
    }

    private static ManagedKey Copy(ManagedKey k) => new(
        k.Id, k.Alias, k.Purpose, k.Custody, k.Spec, k.Attributes, k.State, k.StateBeforeDestruction, k.DestructionDate,
        k.PrimaryVersion, k.CreatedAt, k.UpdatedAt, k.LastRotatedAt, k.Revision,
        k.Versions.Select(v => new KeyVersion(v.Number, v.State, v.Keystore, v.Material?.ToArray(), v.CreatedAt, v.DestroyedAt, v.Evidence)));
}
