using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;

namespace Custos.Core.Tests.Access;

/// <summary>
/// The per-key token buckets. System.Threading.RateLimiting refills them from its own timer (no TimeProvider),
/// so these tests use real time and a rate of one per second, and assert behaviour, not timing: a full bucket
/// serves its burst, an empty one refuses, and refills only ever add.
/// </summary>
public sealed class KeyRateLimiterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Acquires until refused (at most <paramref name="max"/> times); returns how many were served and the refusal.</summary>
    private static (int Served, CustosError? Refusal) DrainUntilRefused(KeyRateLimiter limiter, string keyId, int max = 50)
    {
        for (int i = 0; i < max; i++)
        {
            if (limiter.TryAcquire(keyId) is { } refusal) return (i, refusal);
        }
        return (max, null);
    }

    [Fact]
    public void Without_a_limit_every_request_is_served()
    {
        using var meters = new TestMeterFactory();
        using var limiter = new KeyRateLimiter(null, new AccessMetrics(meters));
        for (int i = 0; i < 10_000; i++) Assert.Null(limiter.TryAcquire("key_a"));
        Assert.Null(limiter.Limit);
    }

    [Fact]
    public void A_key_over_its_limit_is_throttled_with_a_retry_after_while_another_key_is_served()
    {
        using var meters = new TestMeterFactory();
        using var limiter = new KeyRateLimiter(new RateLimit(1, 3), new AccessMetrics(meters));
        (int Served, CustosError? Refusal) drained = default;
        var counted = meters.Count("custos.ratelimit.rejected", "limit", () => drained = DrainUntilRefused(limiter, "key_a"));

        Assert.True(drained.Served >= 3, $"only {drained.Served} of a burst of 3 served");
        var refusal = Assert.IsType<CustosError>(drained.Refusal);
        Assert.Equal(ErrorCode.Throttled, refusal.Code);
        Assert.Contains("key_a", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("1 requests per second, bursts of 3", refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(refusal.RetryAfter);
        Assert.InRange(refusal.RetryAfter.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(1, counted.GetValueOrDefault(AccessMetrics.KeyLimit));

        Assert.Null(limiter.TryAcquire("key_b"));
    }

    [Fact]
    public async Task A_throttled_key_is_served_again_once_its_bucket_refills()
    {
        using var meters = new TestMeterFactory();
        using var limiter = new KeyRateLimiter(new RateLimit(1, 1), new AccessMetrics(meters));
        Assert.NotNull(DrainUntilRefused(limiter, "key_a").Refusal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (limiter.TryAcquire("key_a") is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bucket never refilled");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData(null, null, "perKey.requestsPerSecond is required")]
    [InlineData(0, null, "perKey.requestsPerSecond is 1 to 1000000 (got 0)")]
    [InlineData(-5, 10, "perKey.requestsPerSecond is 1 to 1000000 (got -5)")]
    [InlineData(10, 5, "perKey.burst (5) must be at least requestsPerSecond (10)")]
    public void Unusable_rates_are_refused_naming_the_setting(int? rate, int? burst, string message)
    {
        Assert.Contains(message, RateLimit.Check(rate, burst, "perKey"), StringComparison.Ordinal);
        if (rate is { } r && burst is { } b) Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimit(r, b));
    }

    [Fact]
    public void Usable_rates_pass()
    {
        Assert.Null(RateLimit.Check(200, 400, "perPrincipal"));
        Assert.Null(RateLimit.Check(5, 5, "perPrincipal"));
        Assert.Null(RateLimit.Check(5, null, "perPrincipal"));
    }

    [Fact]
    public async Task Throttled_data_plane_requests_are_audited_as_failed_with_the_key_and_error_code_throttled()
    {
        var f = new CoreFixture(keyLimit: new RateLimit(1, 2));
        var busy = await f.CreateKeyAsync("busy");
        var quiet = await f.CreateKeyAsync("quiet");
        var ctx = EncryptionContext.Empty;

        byte[]? blob = null;
        CustosError? refusal = null;
        for (int i = 0; i < 50 && refusal is null; i++)
        {
            var r = await f.Access.EncryptAsync(f.Root, busy.Id, new byte[] { 1, 2 }, ctx, None); // by id: a failure by alias records no key id
            if (r.IsSuccess) blob ??= r.Value.CiphertextBlob;
            else refusal = r.Error;
        }
        Assert.NotNull(blob);
        Assert.Equal(ErrorCode.Throttled, refusal?.Code);
        var e = f.Audit.Events[^1];
        Assert.Equal(("data.encrypt", AuditOutcome.Failed, "throttled", busy.Id), (e.Operation, e.Outcome, e.ErrorCode, e.KeyId));

        var decrypted = await f.Access.DecryptAsync(f.Root, blob, ctx, None); // the bucket is still empty (a refill would need a second)
        if (!decrypted.IsSuccess)
        {
            Assert.Equal(ErrorCode.Throttled, decrypted.Error.Code);
            var d = f.Audit.Events[^1];
            Assert.Equal(("data.decrypt", AuditOutcome.Failed, "throttled", busy.Id), (d.Operation, d.Outcome, d.ErrorCode, d.KeyId));
        }
        else decrypted.Value.Plaintext.Dispose();

        var other = await f.Access.EncryptAsync(f.Root, "alias/quiet", new byte[] { 1 }, ctx, None);
        Assert.True(other.IsSuccess, other.Error?.Message);
        Assert.Equal(quiet.Id, other.Value.KeyId);
    }
}
