using Custos.Core.Ports;

namespace Custos.Core.Residency;

/// <summary>
/// The legal register as residency checks read it: every provider by id, read from the store and kept for a
/// few seconds like the policy (a change on this node takes effect at once, on other nodes within <see cref="CacheTime"/>).
/// </summary>
public sealed class LegalRegister(IProviderRepository repository, TimeProvider time)
{
    /// <summary>How long a read register is used before it is read again.</summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);

    private sealed record Snapshot(IReadOnlyDictionary<string, Provider> Providers, DateTimeOffset ReadAt);
    private volatile Snapshot? _snapshot;

    /// <summary>Every provider, by id.</summary>
    public ValueTask<IReadOnlyDictionary<string, Provider>> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < CacheTime) return ValueTask.FromResult(snapshot.Providers);
        return new ValueTask<IReadOnlyDictionary<string, Provider>>(ReloadAsync(cancellationToken));
    }

    /// <summary>Forgets the cached register (after a change on this node).</summary>
    public void Invalidate() => _snapshot = null;

    private async Task<IReadOnlyDictionary<string, Provider>> ReloadAsync(CancellationToken cancellationToken)
    {
        var entries = await repository.ListAsync(cancellationToken);
        var providers = entries.ToDictionary(e => e.Provider.Id, e => e.Provider, StringComparer.Ordinal);
        _snapshot = new Snapshot(providers, time.GetUtcNow());
        return providers;
    }
}
