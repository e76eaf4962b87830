using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Client.Tests.Support;
using Custos.Crypto;
using Custos.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Client.Tests;

/// <summary>Leases from a real server: what the policy allows, and a disabled key ending cached reuse within the lease.</summary>
public sealed class ServerLeaseTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EncryptionContext Context = EncryptionContext.From(new Dictionary<string, string> { ["app"] = "lease-test" });
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private CustosEncryptor Encryptor(CustosClient client, FakeTimeProvider time) => new(client, new CustosEncryptorOptions
    {
        EncryptionCache = new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1) },
        DecryptionCache = new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1) },
        TimeProvider = time,
    });

    [Fact]
    public async Task A_disabled_key_stops_cached_reuse_when_the_lease_runs_out()
    {
        var id = await Servers.CreateKeyAsync(_server, "leased");
        using var client = Servers.Client(_server);
        var time = new FakeTimeProvider();
        using var encryptor = Encryptor(client, time);

        var envelope = await encryptor.EncryptAsync([1, 2, 3], "alias/leased", Context, Ct);
        await encryptor.EncryptAsync([4], "alias/leased", Context, Ct);
        Assert.Equal([1, 2, 3], await encryptor.DecryptAsync(envelope, Context, Ct));
        Assert.Equal([1, 2, 3], await encryptor.DecryptAsync(envelope, Context, Ct));
        Assert.Equal(new DataKeyCacheStatistics(1, 1, 1, 1), encryptor.CacheStatistics);

        await Servers.KeyActionAsync(_server, id, "disable");
        // Within the lease (built-in default: 300 s) the cached data keys still serve: the documented window.
        time.Advance(TimeSpan.FromSeconds(299));
        await encryptor.EncryptAsync([5], "alias/leased", Context, Ct);
        await encryptor.DecryptAsync(envelope, Context, Ct);

        // Once the lease's max age has passed (although the local limit is an hour) the server is asked, and refuses.
        time.Advance(TimeSpan.FromSeconds(1));
        var encrypt = await Assert.ThrowsAsync<CustosException>(() => encryptor.EncryptAsync([6], "alias/leased", Context, Ct));
        Assert.Equal("key-disabled", encrypt.Code);
        var decrypt = await Assert.ThrowsAsync<CustosException>(() => encryptor.DecryptAsync(envelope, Context, Ct));
        Assert.Equal("key-disabled", decrypt.Code);
    }

    [Fact]
    public async Task A_rotated_key_gets_its_new_version_when_the_lease_runs_out()
    {
        var id = await Servers.CreateKeyAsync(_server, "rotating");
        using var client = Servers.Client(_server);
        var time = new FakeTimeProvider();
        using var encryptor = Encryptor(client, time);
        var before = await encryptor.EncryptAsync([1], "alias/rotating", Context, Ct);
        await Servers.KeyActionAsync(_server, id, "rotate");
        time.Advance(TimeSpan.FromSeconds(300));
        var after = await encryptor.EncryptAsync([1], "alias/rotating", Context, Ct);
        Assert.Equal(1, Crypto.Envelope.EnvelopeHeader.Parse(before, out _).WrappedKeys[0].KeyVersion);
        Assert.Equal(2, Crypto.Envelope.EnvelopeHeader.Parse(after, out _).WrappedKeys[0].KeyVersion);
    }

    [Fact]
    public async Task The_policy_sets_the_lease_and_can_forbid_caching_for_some_keys()
    {
        await Servers.CreateKeyAsync(_server, "general");
        await Servers.CreateKeyAsync(_server, "payroll");
        await Servers.ActivatePolicyAsync(_server, new
        {
            @default = new { maxAgeSeconds = 30, maxMessages = 3 },
            rules = new object[] { new { id = "payroll-never-cached", keys = new { aliases = new[] { "payroll" } }, forbid = true } },
        });
        using var client = Servers.Client(_server);
        var time = new FakeTimeProvider();
        using var encryptor = Encryptor(client, time);

        for (int i = 0; i < 4; i++) await encryptor.EncryptAsync([1], "alias/general", Context, Ct);
        Assert.Equal(new DataKeyCacheStatistics(2, 2, 0, 0), encryptor.CacheStatistics); // 3 messages per data key
        time.Advance(TimeSpan.FromSeconds(30));
        await encryptor.EncryptAsync([1], "alias/general", Context, Ct);
        Assert.Equal(new DataKeyCacheStatistics(2, 3, 0, 0), encryptor.CacheStatistics); // 30 s, not the local hour

        for (int i = 0; i < 3; i++) await encryptor.EncryptAsync([1], "alias/payroll", Context, Ct);
        Assert.Equal(new DataKeyCacheStatistics(2, 6, 0, 0), encryptor.CacheStatistics); // never cached
    }

    [Fact]
    public async Task The_lease_is_only_sent_to_clients_that_ask_so_older_clients_see_the_same_answer()
    {
        var id = await Servers.CreateKeyAsync(_server, "plain");
        using var plain = await _server.Root.PostAsJsonAsync($"/v1/keys/{id}/generate-data-key", new { }, JsonSerializerOptions.Web, Ct);
        var old = await Servers.OkAsync(plain, HttpStatusCode.OK);
        Assert.False(old.TryGetProperty("dataKeyLease", out _));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/keys/{id}/generate-data-key") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Custos-Data-Key-Lease", "1");
        using var asked = await _server.Root.SendAsync(request, Ct);
        var lease = (await Servers.OkAsync(asked, HttpStatusCode.OK)).GetProperty("dataKeyLease");
        Assert.True(lease.GetProperty("allowed").GetBoolean());
        Assert.Equal(300, lease.GetProperty("maxAgeSeconds").GetInt32());
    }
}
