using System.Net;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Access;

/// <summary>
/// rateLimits.perKey: a key over its limit gets 429 throttled with Retry-After, audited as a failed data-plane
/// request with error code throttled, and counted in /metrics, while another key is served.
/// </summary>
public sealed class KeyRateLimitTests : ServerTest
{
    protected override bool AuditLog => true;

    protected override ServerOptions Configure(ServerOptions options) =>
        options with { RateLimits = new RateLimitsOptions { PerKey = new TokenBucketOptions { RequestsPerSecond = 1, Burst = 3 } } };

    [Fact]
    public async Task A_key_over_its_limit_gets_429_while_another_key_is_served_and_the_refusal_is_audited_and_counted()
    {
        var busy = await CreateKeyIdAsync("busy");
        var quiet = await CreateKeyIdAsync("quiet");

        var (served, refusals) = await Throttling.DrainAsync(() => PostAsync(Root, $"/v1/keys/{busy}/encrypt", new { plaintext = new byte[] { 1, 2, 3 } }));
        Assert.True(served >= 3, $"only {served} of a burst of 3 served");
        var refused = refusals[0];
        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests, "throttled");
        Assert.Contains($"key {busy} is at its rate limit (1 requests per second, bursts of 3)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        await OkAsync(await PostAsync(Root, $"/v1/keys/{quiet}/encrypt", new { plaintext = new byte[] { 1 } }));

        var events = await OkAsync(await Root.GetAsync("/v1/audit/events?operation=data.encrypt&limit=1000", Ct));
        var throttled = events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event"))
            .Where(e => e.TryGetProperty("errorCode", out var c) && c.GetString() == "throttled").ToList();
        Assert.Equal(refusals.Count, throttled.Count); // one event per refused request
        Assert.All(throttled, e => Assert.Equal(("failed", busy), (e.GetProperty("outcome").GetString(), e.GetProperty("keyId").GetString())));

        // The exporter caches a scrape briefly; ask until the counter shows up.
        string text = "";
        for (int i = 0; i < 50 && !text.Contains("custos_ratelimit_rejected", StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(200, Ct);
            text = await (await Root.GetAsync("/metrics", Ct)).Content.ReadAsStringAsync(Ct);
        }
        Assert.Contains("custos_ratelimit_rejected_total{", text, StringComparison.Ordinal);
        Assert.Contains("limit=\"key\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypting_under_a_busy_key_is_throttled_too()
    {
        var busy = await CreateKeyIdAsync("busy");
        var blob = await EncryptAsync(busy, [7]);
        var (_, refusals) = await Throttling.DrainAsync(() => PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }));
        var refused = refusals[0];
        await ProblemAsync(refused, HttpStatusCode.TooManyRequests, "throttled");
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
