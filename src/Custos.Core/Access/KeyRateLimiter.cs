using System.Threading.RateLimiting;
using Custos.Core.Errors;

namespace Custos.Core.Access;

/// <summary>
/// The per-key rate limit of the data plane: one token bucket (<see cref="RateLimit"/>) per key id, shared by
/// every principal and protocol. A request over the limit gets <see cref="ErrorCode.Throttled"/> with a
/// retry-after and is audited like any other failed request. Only resolved keys are counted, so callers
/// cannot grow the set of buckets with made-up ids; idle buckets are dropped by the partitioned limiter.
/// </summary>
public sealed class KeyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _buckets;
    private readonly RateLimit? _limit;
    private readonly AccessMetrics _metrics;

    /// <summary>A limiter enforcing <paramref name="limit"/> per key, or none when it is null.</summary>
    public KeyRateLimiter(RateLimit? limit, AccessMetrics metrics)
    {
        _limit = limit;
        _metrics = metrics;
        if (limit is not null)
        {
            var options = limit.ToBucketOptions();
            _buckets = PartitionedRateLimiter.Create<string, string>(
                keyId => RateLimitPartition.GetTokenBucketLimiter(keyId, _ => options), StringComparer.Ordinal);
        }
    }

    /// <summary>The limit enforced per key, or null when there is none.</summary>
    public RateLimit? Limit => _limit;

    /// <summary>Takes one request's token from <paramref name="keyId"/>'s bucket: null when served, else a Throttled error carrying the retry-after.</summary>
    public CustosError? TryAcquire(string keyId)
    {
        if (_buckets is null) return null;
        using var lease = _buckets.AttemptAcquire(keyId);
        if (lease.IsAcquired) return null;
        _metrics.Rejected(AccessMetrics.KeyLimit);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return new CustosError(ErrorCode.Throttled,
            $"key {keyId} is at its rate limit ({_limit}); retry after {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s") { RetryAfter = retryAfter };
    }

    /// <inheritdoc />
    public void Dispose() => _buckets?.Dispose();
}
