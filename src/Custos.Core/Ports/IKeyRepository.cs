using Custos.Core.Keys;

namespace Custos.Core.Ports;

/// <summary>Outcome of a write to a repository.</summary>
public enum SaveOutcome
{
    /// <summary>Written and committed (durable before the call returns).</summary>
    Saved,
    /// <summary>Another key already has the alias; nothing written.</summary>
    AliasTaken,
    /// <summary>The stored revision is not the expected one (someone else changed the key); nothing written.</summary>
    Conflict,
    /// <summary>An insert found a key with the same id; nothing written.</summary>
    Duplicate,
}

/// <summary>A page of keys, ordered by id.</summary>
public sealed record KeyPage(IReadOnlyList<ManagedKey> Keys, string? NextCursor);

/// <summary>
/// Persistence of keys and their versions. Every write is one transaction, committed durably
/// before it returns, so an acknowledged change survives a crash. Writes check the revision
/// (optimistic concurrency). Implementations: SQLite (embedded default), PostgreSQL.
/// </summary>
public interface IKeyRepository
{
    /// <summary>The key with that id, or null.</summary>
    Task<ManagedKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The key with that alias, or null.</summary>
    Task<ManagedKey?> GetByAliasAsync(string alias, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> keys with ids after <paramref name="afterId"/>, in id order.</summary>
    Task<KeyPage> ListAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a new key with its versions; <paramref name="key"/> gets revision 1.</summary>
    Task<SaveOutcome> InsertAsync(ManagedKey key, CancellationToken cancellationToken) => InsertAsync(key, null, cancellationToken);

    /// <summary>
    /// Stores a new key and, in the same transaction, the audit event that describes it (so neither is
    /// durable without the other). Throws <see cref="Errors.CustosUnavailableException"/> when either fails.
    /// </summary>
    Task<SaveOutcome> InsertAsync(ManagedKey key, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Stores every change of <paramref name="key"/> (attributes, state, new and destroyed versions) if its
    /// stored revision is still <see cref="ManagedKey.Revision"/>; the key then gets the next revision.
    /// </summary>
    Task<SaveOutcome> UpdateAsync(ManagedKey key, CancellationToken cancellationToken) => UpdateAsync(key, null, cancellationToken);

    /// <summary>As <see cref="UpdateAsync(ManagedKey, CancellationToken)"/>, writing <paramref name="auditEvent"/> in the same transaction.</summary>
    Task<SaveOutcome> UpdateAsync(ManagedKey key, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>Ids of keys due for destruction or automatic rotation at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
