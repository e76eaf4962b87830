using Custos.Server.Hosting;

namespace Custos.Server.Tests.Api.Rest.Access;

/// <summary>An unusable rateLimits section stops the server from being built, with a message naming the setting.</summary>
public sealed class RateLimitConfigTests
{
    private static ServerOptions With(RateLimitsOptions limits) => new()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "custos-never-created-" + Guid.NewGuid().ToString("N")),
        Tls = new TlsOptions { CertFile = "server.pem", KeyFile = "server.key" },
        RateLimits = limits,
    };

    [Theory]
    [InlineData(null, 10, 5, "rateLimits.perKey.burst (5) must be at least requestsPerSecond (10)")]
    [InlineData(null, 0, null, "rateLimits.perKey.requestsPerSecond is 1 to 1000000 (got 0)")]
    [InlineData(null, null, 10, "rateLimits.perKey.requestsPerSecond is required")]
    [InlineData(-1, null, null, "rateLimits.perPrincipal.requestsPerSecond is 1 to 1000000 (got -1)")]
    public void Invalid_rate_limits_refuse_to_start_naming_the_setting(int? principalRate, int? keyRate, int? keyBurst, string message)
    {
        var limits = new RateLimitsOptions
        {
            PerPrincipal = principalRate is null ? null : new TokenBucketOptions { RequestsPerSecond = principalRate },
            PerKey = principalRate is null ? new TokenBucketOptions { RequestsPerSecond = keyRate, Burst = keyBurst } : null,
        };
        var options = With(limits);
        Assert.StartsWith(message, options.Validate(), StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => CustosHost.Build(options));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(options.DataDir)); // refused before anything was created
    }

    [Fact]
    public void Absent_limits_and_a_burst_left_out_are_fine()
    {
        Assert.Null(With(new RateLimitsOptions()).Validate());
        var perKey = new TokenBucketOptions { RequestsPerSecond = 50 };
        Assert.Null(With(new RateLimitsOptions { PerKey = perKey }).Validate());
        Assert.Equal(50, perKey.ToRateLimit().Burst); // burst defaults to one second's rate
    }
}
