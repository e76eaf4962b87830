using System.Threading.RateLimiting;

namespace Custos.Core.Access;

/// <summary>
/// A token-bucket rate: on average <see cref="RequestsPerSecond"/>, and up to <see cref="Burst"/> at once after a
/// quiet spell. The bucket holds <see cref="Burst"/> tokens, each request takes one, and once a second
/// <see cref="RequestsPerSecond"/> are put back. (System.Threading.RateLimiting's partitioned limiters refill on
/// one 100 ms timer, so a refill may come up to a tenth of a second late; the rate is never exceeded.)
/// </summary>
public sealed record RateLimit
{
    /// <summary>Highest rate accepted in configuration.</summary>
    public const int MaxRequestsPerSecond = 1_000_000;

    /// <summary>A checked rate; throws on values <see cref="Check"/> refuses (validate configuration first).</summary>
    public RateLimit(int requestsPerSecond, int burst)
    {
        if (Check(requestsPerSecond, burst, "rate limit") is { } invalid) throw new ArgumentOutOfRangeException(nameof(burst), invalid);
        RequestsPerSecond = requestsPerSecond;
        Burst = burst;
    }

    /// <summary>Tokens put back each second.</summary>
    public int RequestsPerSecond { get; }

    /// <summary>Size of the bucket: the most requests served at once.</summary>
    public int Burst { get; }

    /// <summary>Null when the pair is usable, else what is wrong, naming the setting as <paramref name="name"/>.</summary>
    public static string? Check(int? requestsPerSecond, int? burst, string name)
    {
        if (requestsPerSecond is not { } rate) return $"{name}.requestsPerSecond is required";
        if (rate is < 1 or > MaxRequestsPerSecond) return $"{name}.requestsPerSecond is 1 to {MaxRequestsPerSecond} (got {rate})";
        if (burst is { } b && b < rate)
            return $"{name}.burst ({b}) must be at least requestsPerSecond ({rate}): the bucket has to hold one second's refill";
        return null;
    }

    /// <summary>Options for one partition's token bucket; refused at once when empty (no queue), replenished by its partitioned limiter.</summary>
    public TokenBucketRateLimiterOptions ToBucketOptions() => new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = RequestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>"N requests per second, bursts of M".</summary>
    public override string ToString() => $"{RequestsPerSecond} requests per second, bursts of {Burst}";
}
