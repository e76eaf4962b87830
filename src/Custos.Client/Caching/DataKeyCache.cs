using System.Diagnostics.Metrics;
using Custos.Crypto;
using Custos.Crypto.Envelope;

namespace Custos.Client.Caching;

/// <summary>
/// A bounded cache of plaintext data keys, partitioned by an opaque partition id (the caller derives it from
/// the keys and the encryption context). Each entry counts its messages and bytes and expires at a fixed time;
/// limits are the stricter of the local options and the server's lease, fixed when the entry is added. An
/// evicted or expired data key is zeroed at once; callers get their own copy, so eviction never pulls a key
/// from under a running operation. Holds data keys only, never anything of a key-encryption key. Thread-safe.
/// </summary>
internal sealed class DataKeyCache : IDisposable
{
    private readonly DataKeyCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _hits;
    private long _misses;

    public DataKeyCache(DataKeyCacheOptions options, TimeProvider time, Counter<long> hits, Counter<long> misses, string name)
    {
        _options = options;
        _time = time;
        _hitCounter = hits;
        _missCounter = misses;
        _tag = new KeyValuePair<string, object?>("cache", name);
    }

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Tests only: the data keys held now (to check that eviction zeroes them).</summary>
    internal IReadOnlyList<SecretBytes> HeldKeysForTests() { lock (_lock) return [.. _entries.Values.Select(e => e.Key)]; }

    /// <summary>Entries held now (expired ones may still be counted until touched).</summary>
    public int Count { get { lock (_lock) return _entries.Count; } }

    /// <summary>
    /// A copy of the cached data key for one more message of <paramref name="bytes"/> plaintext bytes, or null
    /// (a miss) when there is none or it has reached a limit (it is then evicted and zeroed). A lookup that is one of
    /// several for the same message (several wrapped copies) passes <paramref name="countMiss"/> false but for the last.
    /// </summary>
    public CachedDataKey? TryUse(string partition, long bytes, bool countMiss = true)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(partition, out var entry))
            {
                if (_time.GetUtcNow() < entry.Expires && entry.Messages < entry.MaxMessages && entry.Bytes + bytes <= entry.MaxBytes)
                {
                    entry.Messages++;
                    entry.Bytes += bytes;
                    Hit();
                    return new CachedDataKey(entry.Key.Clone(), entry.Wrapped);
                }
                Evict(partition, entry);
            }
        }
        if (countMiss) Miss();
        return null;
    }

    /// <summary>Adds bytes to an entry after the fact (decryption learns the size only at the end).</summary>
    public void Charge(string partition, long bytes)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(partition, out var entry)) entry.Bytes += bytes;
        }
    }

    /// <summary>
    /// Caches a copy of <paramref name="key"/>, already used for one message of <paramref name="bytes"/> bytes,
    /// when the lease allows caching and the limits leave room for a second message.
    /// </summary>
    public void Add(string partition, SecretBytes key, IReadOnlyList<WrappedKey> wrapped, DataKeyLease lease, long bytes)
    {
        if (!lease.Allowed) return;
        var age = lease.MaxAge < _options.MaxAge ? lease.MaxAge : _options.MaxAge;
        long messages = Math.Min(lease.MaxMessages, _options.MaxMessages);
        long maxBytes = Math.Min(lease.MaxBytes, _options.MaxBytes);
        if (age <= TimeSpan.Zero || messages < 2 || bytes > maxBytes) return;
        var entry = new Entry(key.Clone(), wrapped, _time.GetUtcNow() + age, messages, maxBytes) { Messages = 1, Bytes = bytes };
        lock (_lock)
        {
            if (_entries.Remove(partition, out var old)) old.Key.Dispose();
            if (_entries.Count >= _options.MaxEntries) EvictOne();
            _entries[partition] = entry;
        }
    }

    private void EvictOne()
    {
        var now = _time.GetUtcNow();
        string? victim = null;
        Entry? soonest = null;
        foreach (var (partition, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                victim = partition;
                soonest = entry;
                break;
            }
            if (soonest is null || entry.Expires < soonest.Expires)
            {
                victim = partition;
                soonest = entry;
            }
        }
        if (victim is not null) Evict(victim, soonest!);
    }

    private void Evict(string partition, Entry entry)
    {
        _entries.Remove(partition);
        entry.Key.Dispose();
    }

    private void Hit()
    {
        Interlocked.Increment(ref _hits);
        _hitCounter.Add(1, _tag);
    }

    private void Miss()
    {
        Interlocked.Increment(ref _misses);
        _missCounter.Add(1, _tag);
    }

    /// <summary>Zeroes every cached data key.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values) entry.Key.Dispose();
            _entries.Clear();
        }
    }

    private sealed class Entry(SecretBytes key, IReadOnlyList<WrappedKey> wrapped, DateTimeOffset expires, long maxMessages, long maxBytes)
    {
        public SecretBytes Key { get; } = key;
        public IReadOnlyList<WrappedKey> Wrapped { get; } = wrapped;
        public DateTimeOffset Expires { get; } = expires;
        public long MaxMessages { get; } = maxMessages;
        public long MaxBytes { get; } = maxBytes;
        public long Messages { get; set; }
        public long Bytes { get; set; }
    }
}

/// <summary>A caller's own copy of a cached data key (dispose it) and its wrapped copies.</summary>
internal sealed class CachedDataKey(SecretBytes key, IReadOnlyList<WrappedKey> wrapped) : IDisposable
{
    public SecretBytes Key { get; } = key;
    public IReadOnlyList<WrappedKey> Wrapped { get; } = wrapped;
    public void Dispose() => Key.Dispose();
}
