using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Custos.Core.Access.Policy;

/// <summary>
/// The <c>rate</c> condition of rules: a fixed window per rule and principal. A request the rule would
/// allow beyond its rate is refused as <see cref="Errors.ErrorCode.Throttled"/> (429, Retry-After).
/// One small limiter per (policy version, rule, principal) that ever used a rated rule.
/// </summary>
public sealed class RuleRateLimiter : IDisposable
{
    private readonly ConcurrentDictionary<(int Version, string Rule, string Principal), FixedWindowRateLimiter> _limiters = new();

    /// <summary>Takes one permit for <paramref name="principal"/> under rule <paramref name="rule"/>; null, or the throttled error with its retry delay.</summary>
    public Errors.CustosError? Acquire(int version, string rule, RateCondition rate, string principal)
    {
        var limiter = _limiters.GetOrAdd((version, rule, principal), _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = rate.Requests,
            Window = TimeSpan.FromSeconds(rate.PerSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired) return null;
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(rate.PerSeconds);
        return Errors.CustosError.Throttled(
            $"rule '{rule}' allows at most {rate.Requests} request(s) per {rate.PerSeconds} s for each principal; retry later", retry);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
        _limiters.Clear();
    }
}
