using System.Collections.Concurrent;

namespace Custos.Core.Keys;

/// <summary>
/// Recently read keys, so that the data plane does not hit the database on every request.
/// Entries expire after <see cref="Ttl"/> (other nodes' changes show within it) and are replaced at
/// once by this node's own writes. Cached instances are never changed after they are cached.
/// </summary>
public sealed class KeyCache(TimeProvider time, TimeSpan ttl)
{
    private readonly ConcurrentDictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _byAlias = new(StringComparer.Ordinal);

    private readonly record struct Entry(ManagedKey Key, long ExpiresAt);

    /// <summary>How long an entry is trusted.</summary>
    public TimeSpan Ttl { get; } = ttl;

    /// <summary>A cached key by id, or null.</summary>
    public ManagedKey? GetById(string id) => Fresh(_byId, id);

    /// <summary>A cached key by alias, or null.</summary>
    public ManagedKey? GetByAlias(string alias)
    {
        var key = Fresh(_byAlias, alias);
        return key?.Alias == alias ? key : null;
    }

    /// <summary>Caches a key just read or saved.</summary>
    public void Put(ManagedKey key)
    {
        var entry = new Entry(key, time.GetTimestamp() + (long)(Ttl.TotalSeconds * time.TimestampFrequency));
        _byId[key.Id] = entry;
        if (key.Alias is not null) _byAlias[key.Alias] = entry;
    }

    /// <summary>Drops everything about a key (after a local change, before the new state is cached).</summary>
    public void Invalidate(string id)
    {
        _byId.TryRemove(id, out _);
        foreach (var (alias, entry) in _byAlias)
        {
            if (entry.Key.Id == id) _byAlias.TryRemove(alias, out _);
        }
    }

    private ManagedKey? Fresh(ConcurrentDictionary<string, Entry> map, string k)
    {
        if (!map.TryGetValue(k, out var e)) return null;
        if (time.GetTimestamp() < e.ExpiresAt) return e.Key;
        map.TryRemove(new KeyValuePair<string, Entry>(k, e));
        return null;
    }
}
