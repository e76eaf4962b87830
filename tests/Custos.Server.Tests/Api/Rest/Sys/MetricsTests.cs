using System.Net;
using System.Net.Http.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Sys;

/// <summary>GET /metrics: Prometheus text for monitoring, only with a token, never a secret.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_need_a_token_and_show_the_audit_log_batches()
    {
        using (var anonymous = await _server.Anonymous.GetAsync("metrics", Ct))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using (var created = await _server.Root.PostAsJsonAsync("v1/keys", new { alias = "metered" }, Ct))
            created.EnsureSuccessStatusCode();
        using (var unknown = await _server.Root.GetAsync("v1/keys/alias/not-there", Ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode); // an appended (not transactional) event

        // The exporter caches a scrape briefly; ask until the audit histogram shows up.
        string text = "";
        for (int i = 0; i < 50 && !text.Contains("custos_audit_batch_size", StringComparison.Ordinal); i++)
        {
            using var r = await _server.Root.GetAsync("metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            text = await r.Content.ReadAsStringAsync(Ct);
            if (!text.Contains("custos_audit_batch_size", StringComparison.Ordinal)) await Task.Delay(200, Ct);
        }
        Assert.Contains("custos_audit_batch_size", text, StringComparison.Ordinal);
        Assert.Contains("custos_audit_commit_duration", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Secrets.RootToken, text, StringComparison.Ordinal);
    }
}
