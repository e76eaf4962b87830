using System.Net;
using System.Text.Json;
using Custos.Core.Threshold;
using Custos.Keystores.Tests.Threshold;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Hosting;

/// <summary>
/// The custodians holding a threshold key's shares are judged like the keystores of other keys after the key exists, not
/// only when its shares are dealt: a custodian whose configured location moves out of the key's jurisdictions stops the
/// start naming key and custodian; with --allow-stranded-keys the key is refused for every use before any custodian is
/// asked, and resharing its shares away from that custodian puts it right. Real servers restarted in one folder, with
/// in-process custodians (real DKG and partials) that keep their shares across the restarts.
/// </summary>
public sealed class ThresholdResidencyStartupTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _dir = TestServer.NewFolder();
    private readonly InProcessCustodians _custodians = new(
        InProcessCustodians.At("a", "DE", "op-a"), InProcessCustodians.At("b", "FR", "op-b"), InProcessCustodians.At("c", "AT", "op-c"),
        InProcessCustodians.At("d", "PL", "op-d"));

    public ValueTask DisposeAsync()
    {
        _custodians.Dispose();
        TestServer.DeleteFolder(_dir);
        return ValueTask.CompletedTask;
    }

    private Task<TestServer> StartAsync(bool allowStranded = false) =>
        TestServer.StartInAsync(_dir, o => o with { AuditLog = true, AllowStrandedKeys = allowStranded }, Ct, initialize: true,
            s => s.AddSingleton<IThresholdCustodians>(_custodians));

    private static Task<HttpResponseMessage> DecryptAsync(TestServer server, string blob) =>
        PostAsync(server.Root, "/v1/decrypt", new { ciphertextBlob = blob, encryptionContext = new { order = "42" } });

    [Fact]
    public async Task A_custodian_moved_out_of_a_keys_jurisdictions_stops_the_start_and_when_allowed_the_key_is_refused_until_its_shares_move()
    {
        string key, blob;
        byte[] plaintext;
        var first = await StartAsync();
        try
        {
            using var created = await PostAsync(first.Root, "/v1/keys", new
            {
                alias = "split", custody = "threshold", threshold = new { k = 2, custodians = new[] { "a", "b", "c" }, minJurisdictions = 2 }, allowedJurisdictions = new[] { "EU" },
            });
            key = (await OkAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;
            using var dataKey = await PostAsync(first.Root, $"/v1/keys/{key}/generate-data-key", new { encryptionContext = new { order = "42" } });
            var body = await OkAsync(dataKey);
            (plaintext, blob) = (body.GetProperty("plaintext").GetBytesFromBase64(), body.GetProperty("ciphertextBlob").GetString()!);
        }
        finally
        {
            await first.StopAsync(); // keeps the folder (and the custodians their shares) for the next start
        }

        _custodians.Move("c", "US", "op-c"); // the server's configuration now puts custodian c in the US

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync());
        Assert.StartsWith("residency: with this configuration 1 stored key(s) would be out of residency policy: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"key {key} (alias/split, confidential): the key's allowedJurisdictions allows EU, but custodian 'c' is in US", refused.Message, StringComparison.Ordinal);

        await using var server = await StartAsync(allowStranded: true);
        var unwraps = _custodians.UnwrapCalls;
        using var decrypt = await DecryptAsync(server, blob);
        using var generate = await PostAsync(server.Root, $"/v1/keys/{key}/generate-data-key", new { encryptionContext = new { order = "42" } });
        using var edit = await PatchAsync(server.Root, $"/v1/keys/{key}", new { description = "still stranded" });

        Assert.EndsWith("custodian 'c' is in US", await ProblemAsync(decrypt, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        await ProblemAsync(generate, HttpStatusCode.Forbidden);
        await ProblemAsync(edit, HttpStatusCode.Forbidden);
        Assert.Equal(unwraps, _custodians.UnwrapCalls); // refused before any custodian was asked
        var stranded = Assert.Single(await EventsAsync(server.Root, "residency.stranded"));
        Assert.Equal((key, "residency-violation"), (stranded.GetProperty("keyId").GetString(), stranded.GetProperty("errorCode").GetString()));

        // Resharing is the remedy: the version's shares move to a, b and d (DE, FR, PL), and the key works again.
        using var reshare = await PostAsync(server.Root, $"/v1/keys/{key}/versions/1/reshare", new { custodians = new[] { "a", "b", "d" } });
        var reshared = await OkAsync(reshare);
        Assert.Equal(["a", "b", "d"], reshared.GetProperty("versions")[0].GetProperty("threshold").GetProperty("custodians").EnumerateArray()
            .Select(c => c.GetProperty("name").GetString()));
        using var again = await DecryptAsync(server, blob);
        Assert.Equal(plaintext, (await OkAsync(again)).GetProperty("plaintext").GetBytesFromBase64());
    }
}
