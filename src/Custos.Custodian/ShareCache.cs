using System.Collections.Concurrent;
using Custos.Crypto.Threshold;

namespace Custos.Custodian;

/// <summary>
/// Active shares opened once and kept in memory (zeroed when dropped), so that a partial request does not read,
/// open and rebuild its share (one <c>s_i·G</c>) every time. Partials compute under a read lock; <see cref="Forget"/>
/// takes the write lock, so a share is never zeroed while in use, and bumps a generation, so a share loaded before a
/// commit or destroy is never added after it (the request loads again and finds the row gone).
/// </summary>
public sealed class ShareCache : IDisposable
{
    private readonly ConcurrentDictionary<(string KeyId, int Version, string Fingerprint), KeyShare> _shares = new();
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private long _generation;

    /// <summary>
    /// Runs <paramref name="use"/> with the share of (key, version, group): cached, or loaded by <paramref name="load"/>
    /// (null when there is none; the result is then null). The share must not escape <paramref name="use"/>.
    /// </summary>
    public async Task<T?> UseAsync<T>(string keyId, int version, string fingerprint, Func<Task<KeyShare?>> load, Func<KeyShare, T> use) where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(use);
        var key = (keyId, version, fingerprint);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long generation;
            _lock.EnterReadLock();
            try
            {
                if (_shares.TryGetValue(key, out var cached)) return use(cached);
                generation = Interlocked.Read(ref _generation);
            }
            finally
            {
                _lock.ExitReadLock();
            }
            var loaded = await load();
            if (loaded is null) return null;
            _lock.EnterReadLock();
            try
            {
                if (Interlocked.Read(ref _generation) == generation)
                {
                    var share = _shares.GetOrAdd(key, loaded);
                    if (!ReferenceEquals(share, loaded)) loaded.Dispose();
                    return use(share);
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }
            loaded.Dispose(); // a commit, abort or destroy ran meanwhile: read again
        }
        throw new InvalidOperationException("the share kept changing while it was read");
    }

    /// <summary>Drops (and zeroes) every cached share of a key version; waits for partials using them.</summary>
    public void Forget(string keyId, int version)
    {
        _lock.EnterWriteLock();
        try
        {
            Interlocked.Increment(ref _generation);
            foreach (var key in _shares.Keys.Where(k => k.KeyId == keyId && k.Version == version).ToList())
            {
                if (_shares.TryRemove(key, out var share)) share.Dispose();
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var share in _shares.Values) share.Dispose();
        _shares.Clear();
        _lock.Dispose();
    }
}
