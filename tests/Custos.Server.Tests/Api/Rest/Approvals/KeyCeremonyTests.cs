using System.Net;
using System.Security.Cryptography;
using System.Text;
using Custos.Server.Hosting;
using Custos.Server.Tests.Api.Rest.Policy;

namespace Custos.Server.Tests.Api.Rest.Approvals;

/// <summary>
/// Making a secret key is a key ceremony (issue 5, item 7): with <c>ceremonies.secretKeyApprovals</c> = 2 the
/// request waits for two approvers' signatures even though the policy allows it outright; the signed statements
/// are the transcript, written as one <c>ceremony.key-create</c> event before the key is made.
/// </summary>
public sealed class KeyCeremonyTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ApprovalServer _s = null!;

    public async ValueTask InitializeAsync() =>
        _s = await ApprovalServer.StartAsync(o => o with { Ceremonies = new CeremoniesOptions { SecretKeyApprovals = 2, ApproverGroup = ApprovalServer.Group } });

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Creating_a_secret_key_waits_for_two_signatures_and_the_transcript_is_one_audit_event()
    {
        // A confidential key needs no ceremony.
        using (var plain = await PolicyTestHelpers.PostAsync(_s["admin"], "/v1/keys", new { alias = "ordinary", classification = "confidential" }))
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);

        using var refused = await PolicyTestHelpers.PostAsync(_s["admin"], "/v1/keys", new { alias = "crown-jewels", classification = "secret" });
        var id = await ApprovalServer.ApprovalIdAsync(refused);
        var request = await _s.GetAsync(id);
        Assert.Equal(("key-ceremony", 2, "create"), (request.GetProperty("rule").GetString(), request.GetProperty("required").GetInt32(), request.GetProperty("operation").GetString()));
        using (var notYet = await _s["admin"].GetAsync("/v1/keys/alias/crown-jewels", Ct)) Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);

        // The requester is no approver of its own ceremony, and an approver outside the group does not count.
        using (var outsider = await _s.DecideAsync("outsider", id)) Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        var one = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        Assert.Equal("pending", one.GetProperty("status").GetString());
        using (var stillNot = await _s["admin"].GetAsync("/v1/keys/alias/crown-jewels", Ct)) Assert.Equal(HttpStatusCode.NotFound, stillNot.StatusCode);

        var two = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a2", id));
        Assert.Equal("executed", two.GetProperty("status").GetString());
        var key = await PolicyTestHelpers.OkAsync(await _s["admin"].GetAsync("/v1/keys/alias/crown-jewels", Ct));
        Assert.Equal("secret", key.GetProperty("classification").GetString());

        // The transcript: the approve statement's hash, the participants in order, and signatures that verify.
        var ceremony = Assert.Single(await PolicyTestHelpers.EventsAsync(_s.Server.Root, "ceremony.key-create"));
        var record = ceremony.GetProperty("ceremony");
        var statement = (await _s.GetAsync(id, null)).GetProperty("approveStatement").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statement))), record.GetProperty("transcriptSha256").GetString());
        Assert.Equal([_s.Ids["a1"], _s.Ids["a2"]], record.GetProperty("participants").EnumerateArray().Select(p => p.GetString()));
        var signatures = record.GetProperty("signatures").EnumerateArray().Select(p => p.GetString()!.Split(' ')).ToList();
        foreach (var (signature, who) in signatures.Zip(new[] { "a1", "a2" }))
        {
            Assert.Equal(_s.Ids[who], signature[0]);
            Assert.Equal("sha256:" + _s.PublicKey(who).Fingerprint, signature[1]);
            Assert.True(_s.PublicKey(who).Verify(Encoding.UTF8.GetBytes(statement), Convert.FromBase64String(signature[2])));
        }
        Assert.Single(await PolicyTestHelpers.EventsAsync(_s.Server.Root, "key.create"), e => e.GetProperty("outcome").GetString() == "allowed"
            && e.GetProperty("keyId").GetString() == key.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Raising_a_key_to_secret_is_a_ceremony_too_but_editing_a_secret_key_is_not()
    {
        var keyId = await PolicyTestHelpers.CreateKeyAsync(_s["admin"], "to-raise", "restricted");
        using var raise = await PolicyTestHelpers.PatchAsync(_s["admin"], $"/v1/keys/{keyId}", new { classification = "secret" });
        var id = await ApprovalServer.ApprovalIdAsync(raise);
        Assert.Equal("restricted", (await PolicyTestHelpers.OkAsync(await _s["admin"].GetAsync($"/v1/keys/{keyId}", Ct))).GetProperty("classification").GetString());

        await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        Assert.Equal("executed", (await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a3", id))).GetProperty("status").GetString());
        Assert.Equal("secret", (await PolicyTestHelpers.OkAsync(await _s["admin"].GetAsync($"/v1/keys/{keyId}", Ct))).GetProperty("classification").GetString());

        using var edit = await PolicyTestHelpers.PatchAsync(_s["admin"], $"/v1/keys/{keyId}", new { description = "the crown jewels" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
    }
}
