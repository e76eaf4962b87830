using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Server.Tests.Api.Rest.Audit;

/// <summary>With the audit log on: each REST request leaves exactly one durable event, and when the log cannot be written nothing is served or changed.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private string Db => _server.Options.DatabasePath;

    private List<(long Idx, string Operation, string Outcome, string? KeyId, string Principal)> Events()
    {
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand("SELECT idx, operation, outcome, key_id, principal, event, leaf_hash FROM audit_events ORDER BY idx", c);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, string, string?, string)>();
        while (r.Read())
        {
            var data = (byte[])r[5];
            var leaf = System.Security.Cryptography.SHA256.HashData([0, .. data]);
            Assert.Equal(leaf, (byte[])r[6]);
            list.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
        }
        for (int i = 0; i < list.Count; i++) Assert.Equal(i, list[i].Item1); // dense leaf indexes
        return list;
    }

    private void Execute(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task Each_request_leaves_exactly_one_event_allowed_denied_or_failed()
    {
        var before = Events().Count;
        var expected = new List<(string Operation, string Outcome)>();

        async Task Step(Task<HttpResponseMessage> request, string operation, string outcome)
        {
            using var response = await request;
            expected.Add((operation, outcome));
            var events = Events().Skip(before).ToList();
            Assert.True(events.Count == expected.Count, $"after {operation}: {events.Count} events for {expected.Count} requests");
            Assert.Equal((operation, outcome), (events[^1].Operation, events[^1].Outcome));
        }

        await Step(_server.Root.PostAsJsonAsync("/v1/keys", new { alias = "audited" }, Ct), "key.create", "allowed");
        var dk = await (await _server.Root.PostAsJsonAsync("/v1/keys/alias/audited/generate-data-key", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        expected.Add(("data.generate-data-key", "allowed"));
        var blob = dk.GetProperty("ciphertextBlob").GetString();
        await Step(_server.Root.PostAsJsonAsync("/v1/decrypt", new { ciphertextBlob = blob }, Ct), "data.decrypt", "allowed");
        await Step(_server.Root.PostAsJsonAsync("/v1/decrypt", new { ciphertextBlob = blob, encryptionContext = new { a = "b" } }, Ct), "data.decrypt", "failed");
        await Step(_server.Root.PostAsync("/v1/keys/alias/audited/rotate", null, Ct), "key.rotate", "allowed");
        await Step(_server.Root.GetAsync("/v1/keys", Ct), "key.list", "allowed");
        await Step(_server.Anonymous.GetAsync("/v1/keys", Ct), "http.get", "denied");
        await Step(_server.Root.PostAsync("/v1/keys/alias/audited/cancel-destruction", null, Ct), "key.cancel-destruction", "failed");
        await Step(_server.Root.GetAsync("/v1/no-such-thing", Ct), "http.get", "failed");
        await Step(_server.Root.PostAsync("/v1/sys/seal", null, Ct), "sys.seal", "allowed");
        await Step(_server.Anonymous.PostAsJsonAsync("/v1/sys/unseal", new { share = _server.Secrets.Share }, Ct), "sys.unseal", "allowed");
        Assert.All(Events().Skip(before), e => Assert.DoesNotContain(_server.Secrets.RootToken, e.Principal, StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_audit_store_fails_requests_get_503_and_nothing_changes()
    {
        using (var created = await _server.Root.PostAsJsonAsync("/v1/keys", new { alias = "stay" }, Ct)) created.EnsureSuccessStatusCode();
        var countBefore = Events().Count;
        Execute("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit store down'); END;");

        using (var rotate = await _server.Root.PostAsync("/v1/keys/alias/stay/rotate", null, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rotate.StatusCode);
            var problem = await rotate.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("urn:custos:problem:audit-unavailable", problem.GetProperty("type").GetString());
        }
        using (var create = await _server.Root.PostAsJsonAsync("/v1/keys", new { alias = "never" }, Ct))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        using (var gdk = await _server.Root.PostAsJsonAsync("/v1/keys/alias/stay/generate-data-key", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, gdk.StatusCode);
            Assert.DoesNotContain("plaintext", await gdk.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _server.Anonymous.GetAsync("/v1/keys", Ct)); // cut, not answered

        Execute("DROP TRIGGER audit_down;");
        var key = await (await _server.Root.GetAsync("/v1/keys/alias/stay", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, key.GetProperty("primaryVersion").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Root.GetAsync("/v1/keys/alias/never", Ct)).StatusCode);
        Assert.Equal(countBefore + 2, Events().Count); // only the two GETs just above
    }
}
