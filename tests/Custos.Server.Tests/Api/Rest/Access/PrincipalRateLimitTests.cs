using System.Net;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Access;

/// <summary>
/// rateLimits.perPrincipal: a principal over its limit gets 429 throttled with Retry-After and an audit event,
/// while another principal is served. The buckets refill from a real timer, so the tests drive a principal
/// until it is refused (<see cref="Throttling"/>) rather than counting on exact timing (a burst of 5 at 1 per second).
/// </summary>
public sealed class PrincipalRateLimitTests : ServerTest
{
    protected override bool AuditLog => true;

    protected override ServerOptions Configure(ServerOptions options) =>
        options with { RateLimits = new RateLimitsOptions { PerPrincipal = new TokenBucketOptions { RequestsPerSecond = 1, Burst = 5 } } };

    [Fact]
    public async Task A_principal_over_its_limit_gets_429_with_Retry_After_while_another_is_served_and_the_refusal_is_audited()
    {
        var (busy, busyToken) = await TokenClientAsync("reader");
        var (other, _) = await TokenClientAsync("reader");

        var (served, refusals) = await Throttling.DrainAsync(() => busy.GetAsync("/v1/keys", Ct));
        Assert.True(served >= 5, $"only {served} of a burst of 5 served");
        var refused = refusals[0];
        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests, "throttled");
        Assert.Contains("is at its rate limit (1 requests per second, bursts of 5)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        await OkAsync(await other.GetAsync("/v1/keys", Ct)); // another principal has its own bucket

        var busyId = "token:" + busyToken.GetProperty("id").GetString();
        var events = await OkAsync(await Root.GetAsync($"/v1/audit/events?principal={Uri.EscapeDataString(busyId)}&limit=1000", Ct));
        var throttled = events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event"))
            .Where(e => e.TryGetProperty("errorCode", out var c) && c.GetString() == "throttled").ToList();
        Assert.Equal(refusals.Count, throttled.Count); // one event per refused request
        Assert.All(throttled, e => Assert.Equal(("failed", "http.get"), (e.GetProperty("outcome").GetString(), e.GetProperty("operation").GetString())));
    }

    [Fact]
    public async Task Requests_without_a_principal_are_not_limited()
    {
        for (int i = 0; i < 20; i++)
        {
            using var health = await Server.Anonymous.GetAsync("/v1/health", Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var denied = await Server.Anonymous.GetAsync("/v1/keys", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }
    }
}
