using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Core.Service;

/// <summary>Finds keys by id or <c>alias/NAME</c>, through the cache for reads and fresh from the store for changes.</summary>
public sealed class KeyResolver(IKeyRepository repository, KeyCache cache)
{
    /// <summary>A key for reading (may come from the cache; never change it).</summary>
    public async ValueTask<Result<ManagedKey>> ReadAsync(string reference, CancellationToken cancellationToken)
    {
        if (KeyReference.TryParse(reference) is not { } parsed)
            return CustosError.Invalid($"'{Shorten(reference)}' is neither a key id nor alias/NAME");
        var cached = parsed.Id is not null ? cache.GetById(parsed.Id) : cache.GetByAlias(parsed.Alias!);
        if (cached is not null) return cached;
        var key = await LoadAsync(parsed, cancellationToken);
        if (key is null) return CustosError.KeyNotFound(parsed.ToString());
        cache.Put(key);
        return key;
    }

    /// <summary>A key by id for reading, or null.</summary>
    public async ValueTask<ManagedKey?> ReadByIdAsync(string id, CancellationToken cancellationToken)
    {
        var cached = cache.GetById(id);
        if (cached is not null) return cached;
        var key = await repository.GetAsync(id, cancellationToken);
        if (key is not null) cache.Put(key);
        return key;
    }

    /// <summary>A private, fresh copy of a key, to change and save.</summary>
    public async Task<Result<ManagedKey>> LoadForChangeAsync(string reference, CancellationToken cancellationToken)
    {
        if (KeyReference.TryParse(reference) is not { } parsed)
            return CustosError.Invalid($"'{Shorten(reference)}' is neither a key id nor alias/NAME");
        var key = await LoadAsync(parsed, cancellationToken);
        return key is null ? CustosError.KeyNotFound(parsed.ToString()) : key;
    }

    /// <summary>Records a saved change in the cache.</summary>
    public void Saved(ManagedKey key)
    {
        cache.Invalidate(key.Id);
        cache.Put(key);
    }

    private Task<ManagedKey?> LoadAsync(KeyReference parsed, CancellationToken cancellationToken) =>
        parsed.Id is not null ? repository.GetAsync(parsed.Id, cancellationToken) : repository.GetByAliasAsync(parsed.Alias!, cancellationToken);

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..80] + "...";
}
