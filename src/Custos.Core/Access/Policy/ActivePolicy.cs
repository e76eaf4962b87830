using Custos.Core.Ports;

namespace Custos.Core.Access.Policy;

/// <summary>
/// The policy in force, read from the store and kept for a few seconds (a change approved on this node
/// takes effect at once, on other nodes within <see cref="CacheTime"/>). With no approved version, the
/// built-in default (version 0).
/// </summary>
public sealed class ActivePolicy(IPolicyRepository repository, TimeProvider time)
{
    /// <summary>How long a read policy is used before it is read again.</summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);

    private sealed record Snapshot(PolicyVersion Version, DateTimeOffset ReadAt);
    private volatile Snapshot? _snapshot;

    /// <summary>The version in force.</summary>
    public ValueTask<PolicyVersion> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < CacheTime) return ValueTask.FromResult(snapshot.Version);
        return new ValueTask<PolicyVersion>(ReloadAsync(cancellationToken));
    }

    /// <summary>Forgets the cached version (after a change on this node).</summary>
    public void Invalidate() => _snapshot = null;

    private async Task<PolicyVersion> ReloadAsync(CancellationToken cancellationToken)
    {
        var version = await repository.GetActiveAsync(cancellationToken) ?? PolicyVersion.Default;
        _snapshot = new Snapshot(version, time.GetUtcNow());
        return version;
    }
}
