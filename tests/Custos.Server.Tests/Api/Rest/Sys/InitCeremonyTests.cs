using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Crypto.Sharing;
using Custos.Crypto.Signing;
using Custos.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Server.Tests.Api.Rest.Sys;

/// <summary>
/// <c>POST /v1/sys/init</c> with operators, over HTTPS on a real server started uninitialised with the audit
/// log on: nothing is usable until K operators have confirmed with their own keys.
/// </summary>
public sealed class InitCeremonyTests : IAsyncLifetime
{
    private static readonly string[] Names = ["alice", "bob", "carol"];
    private readonly SigningKey[] _keys = [SigningKey.GenerateEcdsaP256(), SigningKey.GenerateEcdsaP256(), SigningKey.GenerateEcdsaP256()];
    private TestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartUninitializedAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var k in _keys) k.Dispose();
    }

    private HttpClient Anonymous => _server.Anonymous;

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> PostAsync(string path, object body, HttpClient? client = null) => await (client ?? Anonymous).PostAsync(path, Json(body), Ct);

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("urn:custos:problem:" + code, body.GetProperty("type").GetString());
        return body;
    }

    private object[] Operators() => [.. Names.Select((n, i) => new { name = n, publicKey = _keys[i].PublicKey.ToPem() })];

    private sealed record Init(string RootToken, string Id, string Transcript, string TranscriptSha256, string[] EncryptedShares);

    private async Task<Init> InitAsync()
    {
        var body = await OkAsync(await PostAsync("/v1/sys/init", new { shares = 3, threshold = 2, operators = Operators() }));
        Assert.Empty(body.GetProperty("shares").EnumerateArray());
        var c = body.GetProperty("ceremony");
        var shares = c.GetProperty("encryptedShares").EnumerateArray().ToList();
        Assert.Equal(Names, shares.Select(s => s.GetProperty("operator").GetString()));
        return new Init(body.GetProperty("rootToken").GetString()!, c.GetProperty("id").GetString()!, c.GetProperty("transcript").GetString()!,
            c.GetProperty("transcriptSha256").GetString()!, [.. shares.Select(s => s.GetProperty("share").GetString()!)]);
    }

    /// <summary>What operator <paramref name="i"/> does on their machine.</summary>
    private string Open(Init init, int i)
    {
        using var key = ShareDecryptionKey.FromPem(_keys[i].ExportPrivateKeyPem(), out _)!;
        using var share = EncryptedShare.TryParse(init.EncryptedShares[i])!.Decrypt(key)!;
        return Encoding.ASCII.GetString(share.Reveal());
    }

    private Task<HttpResponseMessage> ConfirmAsync(Init init, int signer, string? asOperator = null) =>
        PostAsync($"/v1/sys/ceremony/{init.Id}/confirm", new { @operator = asOperator ?? Names[signer], signature = _keys[signer].Sign(Encoding.UTF8.GetBytes(init.Transcript)) });

    private HttpClient RootClient(Init init)
    {
        var client = _server.NewClient(init.RootToken);
        return client;
    }

    private List<AuditEvent> AuditEvents()
    {
        using var c = new SqliteConnection($"Data Source={_server.Options.DatabasePath};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand("SELECT event FROM audit_events ORDER BY idx", c);
        using var r = cmd.ExecuteReader();
        var list = new List<AuditEvent>();
        while (r.Read()) list.Add(AuditEvent.FromLeafData((byte[])r[0])!);
        return list;
    }

    [Fact]
    public async Task While_the_ceremony_is_pending_unseal_and_the_root_token_are_refused()
    {
        var init = await InitAsync();
        using var root = RootClient(init);

        var unseal = await ProblemAsync(await PostAsync("/v1/sys/unseal", new { share = Open(init, 0) }), HttpStatusCode.Conflict, "ceremony-pending");

        Assert.Contains("needs 2 of 3 operator confirmations", unseal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("0 so far", unseal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await root.GetAsync("/v1/keys", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAsync(await root.GetAsync("/v1/audit/events", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAsync(await root.GetAsync("/v1/policy", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
        var health = await Anonymous.GetAsync("/v1/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(init.Id, JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("pendingCeremony").GetString());

        await OkAsync(await ConfirmAsync(init, 1));

        var stillPending = await ProblemAsync(await PostAsync("/v1/sys/unseal", new { share = Open(init, 1) }), HttpStatusCode.Conflict, "ceremony-pending");
        Assert.Contains("1 so far", stillPending.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await root.GetAsync("/v1/keys", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_wrong_signature_is_403_and_changes_nothing()
    {
        var init = await InitAsync();

        await ProblemAsync(await ConfirmAsync(init, 1, asOperator: "alice"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await PostAsync($"/v1/sys/ceremony/{init.Id}/confirm", new { @operator = "alice", signature = new byte[70] }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await PostAsync($"/v1/sys/ceremony/{init.Id}/confirm", new { @operator = "alice", signature = "not base64!" }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync($"/v1/sys/ceremony/{init.Id}/confirm", new { @operator = "alice" }), HttpStatusCode.BadRequest, "validation-failed");

        var ceremony = await OkAsync(await Anonymous.GetAsync($"/v1/sys/ceremony/{init.Id}", Ct));
        Assert.Equal("pending", ceremony.GetProperty("status").GetString());
        Assert.Equal(0, ceremony.GetProperty("confirmations").GetInt32());
        Assert.All(ceremony.GetProperty("operators").EnumerateArray(), o => Assert.False(o.GetProperty("confirmed").GetBoolean()));
        Assert.Contains(AuditEvents(), e => e is { Operation: "ceremony.confirm", Outcome: AuditOutcome.Denied, Principal: "anonymous" });
    }

    [Fact]
    public async Task The_same_operator_twice_counts_once()
    {
        var init = await InitAsync();
        await OkAsync(await ConfirmAsync(init, 0));

        await ProblemAsync(await ConfirmAsync(init, 0), HttpStatusCode.Conflict, "conflict");

        var ceremony = await OkAsync(await Anonymous.GetAsync($"/v1/sys/ceremony/{init.Id}", Ct));
        Assert.Equal(1, ceremony.GetProperty("confirmations").GetInt32());
        Assert.Equal("pending", ceremony.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_confirmation_for_an_unknown_operator_or_ceremony_is_refused()
    {
        var init = await InitAsync();

        var mallory = await ProblemAsync(await ConfirmAsync(init, 0, asOperator: "mallory"), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync("/v1/sys/ceremony/cer_0000000000000000/confirm", new { @operator = "alice", signature = new byte[70] }), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await Anonymous.GetAsync("/v1/sys/ceremony/nope", Ct), HttpStatusCode.NotFound, "not-found");

        Assert.Contains("mallory", mallory.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await OkAsync(await Anonymous.GetAsync($"/v1/sys/ceremony/{init.Id}", Ct))).GetProperty("confirmations").GetInt32());
    }

    [Fact]
    public async Task At_K_confirmations_it_completes_is_audited_once_and_the_operators_shares_unseal()
    {
        var init = await InitAsync();
        var shares = Enumerable.Range(0, 3).Select(i => Open(init, i)).ToList();

        await OkAsync(await ConfirmAsync(init, 2));
        var done = await OkAsync(await ConfirmAsync(init, 0));

        Assert.Equal("complete", done.GetProperty("status").GetString());
        Assert.Equal(init.Transcript, done.GetProperty("transcript").GetString());
        foreach (var op in done.GetProperty("operators").EnumerateArray())
        {
            // Anyone can check the stored signatures against the served keys and the transcript's fingerprints.
            var opKey = VerificationKey.FromPem(op.GetProperty("publicKey").GetString()!, out _)!;
            Assert.Contains($"operator {op.GetProperty("name").GetString()} key-sha256:{opKey.Fingerprint} ", init.Transcript, StringComparison.Ordinal);
            if (op.GetProperty("name").GetString() == "bob") { Assert.False(op.GetProperty("confirmed").GetBoolean()); continue; }
            Assert.True(opKey.Verify(Encoding.UTF8.GetBytes(init.Transcript), op.GetProperty("signature").GetBytesFromBase64()));
        }
        var completion = Assert.Single(AuditEvents(), e => e.Operation == "ceremony.init");
        Assert.Equal((init.Id, init.TranscriptSha256), (completion.Ceremony!.Id, completion.Ceremony.TranscriptSha256));
        Assert.Equal(["carol", "alice"], completion.Ceremony.Participants);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(init.Transcript))), init.TranscriptSha256);

        await OkAsync(await PostAsync("/v1/sys/unseal", new { share = shares[0] }));
        var unsealed = await OkAsync(await PostAsync("/v1/sys/unseal", new { share = shares[2] }));
        Assert.False(unsealed.GetProperty("sealed").GetBoolean());
        using var root = RootClient(init);
        var key = await OkAsync(await PostAsync("/v1/keys", new { alias = "after-ceremony" }, root));
        Assert.Equal("after-ceremony", key.GetProperty("alias").GetString());

        // Neither the database nor the audit log holds a share or the root token.
        var db = await File.ReadAllBytesAsync(_server.Options.DatabasePath, Ct);
        var wal = _server.Options.DatabasePath + "-wal";
        byte[] all = [.. db, .. File.Exists(wal) ? await File.ReadAllBytesAsync(wal, Ct) : []];
        foreach (var secret in shares.Append(init.RootToken).Append("custos-share-v1:"))
            Assert.Equal(-1, all.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("private")]
    [InlineData("garbage")]
    public async Task Init_refuses_an_operator_key_that_cannot_hold_a_share(string kind)
    {
        using var ed = SigningKey.Ed25519FromSeed(new byte[32]);
        var bad = kind switch { "ed25519" => ed.PublicKey.ToPem(), "private" => _keys[2].ExportPrivateKeyPem(), _ => "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" };
        var operators = Operators();
        operators[2] = new { name = "carol", publicKey = bad };

        var problem = await ProblemAsync(await PostAsync("/v1/sys/init", new { shares = 3, threshold = 2, operators }), HttpStatusCode.BadRequest, "validation-failed");

        Assert.Contains("carol", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(await (await Anonymous.GetAsync("/v1/health", Ct)).Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("initialized").GetBoolean());
    }

    [Fact]
    public async Task Init_refuses_operators_that_do_not_match_the_shares()
    {
        var problem = await ProblemAsync(await PostAsync("/v1/sys/init", new { shares = 4, threshold = 2, operators = Operators() }), HttpStatusCode.BadRequest, "validation-failed");

        Assert.Contains("one operator per share", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await PostAsync("/v1/sys/init", new { shares = 3, threshold = 2, operators = new object[] { new { name = "a b", publicKey = _keys[0].PublicKey.ToPem() } } }),
            HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Init_without_operators_still_hands_out_shares_in_clear()
    {
        var body = await OkAsync(await PostAsync("/v1/sys/init", new { shares = 3, threshold = 2 }));

        Assert.Equal(3, body.GetProperty("shares").GetArrayLength());
        Assert.False(body.TryGetProperty("ceremony", out _));
        Assert.Null(Assert.Single(AuditEvents(), e => e.Operation == "sys.init").Ceremony);
    }
}
