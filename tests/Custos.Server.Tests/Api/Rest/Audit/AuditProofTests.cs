using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Crypto.Transparency;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Audit;

/// <summary>Signed checkpoints, events and proofs served by the audit API verify with the published key.</summary>
public sealed class AuditProofTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> GetAsync(HttpClient c, string path)
    {
        using var r = await c.GetAsync(path, Ct);
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Ct)}");
        return await r.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static byte[][] Hashes(JsonElement array) => array.EnumerateArray().Select(e => e.GetBytesFromBase64()).ToArray();

    [Fact]
    public async Task Checkpoints_are_signed_and_events_and_proofs_verify_against_them()
    {
        (await _server.Root.PostAsJsonAsync("/v1/keys", new { alias = "a" }, Ct)).EnsureSuccessStatusCode();
        var first = await GetAsync(_server.Root, "/v1/audit/checkpoint");
        for (int i = 0; i < 5; i++) (await _server.Root.PostAsync("/v1/keys/alias/a/rotate", null, Ct)).EnsureSuccessStatusCode();
        var latest = await GetAsync(_server.Root, "/v1/audit/checkpoint");

        Assert.True(NoteVerifier.TryParse(latest.GetProperty("verifierKey").GetString(), out var verifier));
        Assert.True(SignedNote.TryParse(latest.GetProperty("note").GetString(), out var note));
        Assert.True(note!.Verify(verifier!));
        Assert.True(Checkpoint.TryParse(note.Text, out var cp));
        Assert.StartsWith("custos/root-", cp!.Origin, StringComparison.Ordinal);
        long size = latest.GetProperty("treeSize").GetInt64();
        Assert.Equal(size, cp.Size);

        // Recompute the root from the events' exact bytes; check the hash chain.
        var range = new CompactRange();
        byte[]? previous = null;
        long after = -1;
        while (range.Size < size)
        {
            var page = await GetAsync(_server.Root, $"/v1/audit/events?after={after}&limit=3");
            foreach (var e in page.GetProperty("events").EnumerateArray())
            {
                if (range.Size == size) break;
                var data = e.GetProperty("data").GetBytesFromBase64();
                var leaf = MerkleHash.LeafHash(data);
                Assert.Equal(leaf, e.GetProperty("leafHash").GetBytesFromBase64());
                var ev = JsonDocument.Parse(data).RootElement;
                Assert.Contains(e.GetProperty("event").GetProperty("outcome").GetString(), new[] { "allowed", "denied", "failed" });
                Assert.Equal(range.Size, ev.GetProperty("index").GetInt64());
                Assert.Equal(previous is null ? null : Convert.ToBase64String(previous), ev.TryGetProperty("previous", out var p) ? p.GetString() : null);
                previous = leaf;
                range.Append(leaf);
                after = e.GetProperty("index").GetInt64();
            }
        }
        Assert.Equal(cp.RootHash, range.RootHash());

        var proof = await GetAsync(_server.Root, $"/v1/audit/events/2/proof?treeSize={size}");
        Assert.True(MerkleTree.VerifyInclusion(proof.GetProperty("leafHash").GetBytesFromBase64(), 2, size, Hashes(proof.GetProperty("proof")), cp.RootHash));

        long m = first.GetProperty("treeSize").GetInt64();
        var consistency = await GetAsync(_server.Root, $"/v1/audit/consistency?from={m}&to={size}");
        Assert.True(MerkleTree.VerifyConsistency(m, size, first.GetProperty("rootHash").GetBytesFromBase64(), cp.RootHash, Hashes(consistency.GetProperty("proof"))));

        var stored = await GetAsync(_server.Root, "/v1/audit/checkpoints");
        Assert.True(stored.GetProperty("checkpoints").GetArrayLength() >= 2);
    }

    [Fact]
    public async Task A_witness_cosignature_is_kept_with_the_checkpoint_and_reading_needs_the_audit_scope()
    {
        var latest = await GetAsync(_server.Root, "/v1/audit/checkpoint");
        Assert.True(SignedNote.TryParse(latest.GetProperty("note").GetString(), out var note));
        var seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var witness = new Ed25519CosignatureV1Signer("witness.example", seed, TimeProvider.System);
        var cosigned = note!.AddSignature(witness).Format();
        using (var post = await _server.Root.PostAsJsonAsync("/v1/audit/cosignatures", new { note = cosigned }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        var stored = await GetAsync(_server.Root, "/v1/audit/checkpoints");
        var last = stored.GetProperty("checkpoints").EnumerateArray().Last().GetProperty("note").GetString()!;
        Assert.Contains("— witness.example ", last, StringComparison.Ordinal);

        var forged = note.Text.Replace(note.Text.Split('\n')[2], Convert.ToBase64String(new byte[32]), StringComparison.Ordinal);
        using (var bad = await _server.Root.PostAsJsonAsync("/v1/audit/cosignatures", new { note = SignedNote.Sign(forged, witness).Format() }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);

        var token = await (await _server.Root.PostAsJsonAsync("/v1/tokens", new { name = "app", scopes = new[] { "use" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var app = _server.NewClient(token.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/v1/audit/events", Ct)).StatusCode);
        var auditorToken = await (await _server.Root.PostAsJsonAsync("/v1/tokens", new { name = "auditor", scopes = new[] { "audit" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var auditor = _server.NewClient(auditorToken.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/v1/audit/events", Ct)).StatusCode);
    }
}
