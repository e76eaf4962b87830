using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Threshold;
using Custos.Threshold.Protocol;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// Issue 7 end to end: three custodians as separate `custos custodian serve` processes on loopback, reached by
/// <see cref="HttpThresholdCustodians"/> over mutual TLS. Key generation, unwrap with custodians killed and restarted,
/// a custodian that lies, a slow one, every Wycheproof invalid point, resharing, untrusted clients, and proof that
/// the group private key is nowhere.
/// </summary>
public sealed class ThresholdCustodyEndToEndTests(CustodianCluster cluster) : IClassFixture<CustodianCluster>
{
    private static readonly byte[] Context = "{\"bucket\":\"invoices\"}"u8.ToArray();
    private static readonly ThresholdRequest Request = new("req-1", "token:tok_test", null);

    private static (byte[] Dek, byte[] Blob) Wrap(ThresholdMaterial material, string keyId, int version = 1)
    {
        var dek = RandomNumberGenerator.GetBytes(32);
        return (dek, ThresholdWrappedKey.Wrap(material.Group.PublicKey, dek, Encoding.UTF8.GetBytes(keyId), version, Context).Encode());
    }

    private static async Task<ThresholdUnwrapOutcome> UnwrapAsync(HttpThresholdCustodians custodians, ThresholdMaterial material, string keyId, byte[] blob, int version = 1) =>
        await custodians.UnwrapAsync(material, keyId, version, blob, Context, Request, TestContext.Current.CancellationToken);

    private static ThresholdSpec Spec(int k, params string[] names) => new(k, names, 1);

    [Fact]
    public async Task A_2_of_3_key_unwraps_with_all_custodians_with_one_killed_fails_closed_with_two_killed_and_works_again_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var custodians = cluster.Custodians();
        var material = await custodians.GenerateAsync("key-main", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        Assert.Equal(2, material.Group.Threshold);
        var (dek, blob) = Wrap(material, "key-main");

        using (var all = await UnwrapAsync(custodians, material, "key-main", blob))
        {
            Assert.Equal(ThresholdUnwrapFailure.None, all.Failure);
            Assert.Equal(dek, all.DataKey!.Reveal().ToArray());
            Assert.Empty(all.Faults);
        }

        cluster['c'].Kill();
        using (var one = await UnwrapAsync(custodians, material, "key-main", blob))
        {
            Assert.Equal(ThresholdUnwrapFailure.None, one.Failure);
            Assert.Equal(dek, one.DataKey!.Reveal().ToArray());
            Assert.Equal(["custodian-a", "custodian-b"], one.Combined.Order());
            Assert.Contains(one.Faults, f => f is { Custodian: "custodian-c", Kind: CustodianFaultKind.Unreachable });
        }

        cluster['b'].Kill();
        using (var two = await UnwrapAsync(custodians, material, "key-main", blob))
        {
            Assert.Equal(ThresholdUnwrapFailure.QuorumNotMet, two.Failure);
            Assert.Equal("2 of 3 custodians needed, 1 answered", two.Message);
            Assert.Null(two.DataKey);
            Assert.Equal(["custodian-b", "custodian-c"], two.Faults.Select(f => f.Custodian).Order());
            Assert.All(two.Faults, f => Assert.Equal(CustodianFaultKind.Unreachable, f.Kind));
        }

        await Task.WhenAll(cluster['b'].StartAsync(), cluster['c'].StartAsync());
        using (var again = await UnwrapAsync(custodians, material, "key-main", blob))
        {
            Assert.Equal(ThresholdUnwrapFailure.None, again.Failure);
            Assert.Equal(dek, again.DataKey!.Reveal().ToArray());
        }

        // The private key is nowhere: rebuilt here from two sealed shares, it matches the public key, and no file or log holds it.
        var shares = cluster.Nodes.SelectMany(n => ThresholdSecrets.Shares(n.DataDir, n.SealKeyFile, "key-main", 1)).ToList();
        Assert.Equal(3, shares.Count);
        Assert.All(shares, s => Assert.Equal("active", s.State));
        var s = ThresholdSecrets.Interpolate([.. shares.Take(2).Select(x => (x.Index, x.Scalar))]);
        Assert.True(ThresholdSecrets.IsPrivateKeyOf(s, material.Group.PublicKey));
        Assert.Equal(s, ThresholdSecrets.Interpolate([.. shares.Skip(1).Select(x => (x.Index, x.Scalar))]));
        var leaks = ThresholdSecrets.FindSecret(s, [cluster.Root.Path], cluster.Nodes.Select(n => (n.Name, n.Output)));
        Assert.Empty(leaks);
        foreach (var share in shares) Assert.Empty(ThresholdSecrets.FindSecret(share.Scalar, [cluster.Root.Path], cluster.Nodes.Select(n => (n.Name, n.Output))));
    }

    [Fact]
    public async Task A_Custos_server_with_a_threshold_section_makes_and_uses_a_threshold_key_through_the_custodian_processes()
    {
        var (cert, key) = cluster.Pki.Client("custos-test");
        var custodians = string.Join(", ", cluster.Nodes.Select(n =>
            $$"""{ "name": "{{n.Name}}", "address": "{{n.Address}}", "serverName": "{{n.Name}}", "location": { "country": "{{n.Country}}", "operator": "op-{{n.Name}}", "compellableBy": ["{{n.Country}}"] } }"""));
        using var node = new ServeNode($$"""
            "threshold": { "caFile": "{{cluster.Pki.CaFile}}", "clientCertFile": "{{cert}}", "clientKeyFile": "{{key}}", "custodians": [ {{custodians}} ] }
            """);
        await node.StartAsync();
        await node.InitAsync(1, 1);
        await node.UnsealAsync(1);
        (await node.Cli.RunAsync("keys", "create", "--alias", "vault", "--custody", "threshold", "--threshold", "2", "--custodians", "custodian-a,custodian-b,custodian-c")).Ok();
        using var http = node.Server!.Client(node.RootToken);
        using var made = await http.PostAsJsonAsync("v1/keys/alias/vault/generate-data-key", new { encryptionContext = new { tenant = "e2e" } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var json = JsonDocument.Parse(await made.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        using var opened = await http.PostAsJsonAsync("v1/decrypt", new { ciphertextBlob = json.GetProperty("ciphertextBlob").GetString(), encryptionContext = new { tenant = "e2e" } },
            TestContext.Current.CancellationToken);

        var body = await opened.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(opened.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(json.GetProperty("plaintext").GetString(), JsonDocument.Parse(body).RootElement.GetProperty("plaintext").GetString());

        // Through the server too: one custodian killed still decrypts, two killed is a 503 with the count, restarted decrypts again.
        async Task<(HttpStatusCode Status, string Body)> DecryptAsync()
        {
            using var response = await http.PostAsJsonAsync("v1/decrypt",
                new { ciphertextBlob = json.GetProperty("ciphertextBlob").GetString(), encryptionContext = new { tenant = "e2e" } }, TestContext.Current.CancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        try
        {
            cluster['c'].Kill();
            var one = await DecryptAsync();
            Assert.True(one.Status == HttpStatusCode.OK, one.Body);
            cluster['b'].Kill();
            var two = await DecryptAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, two.Status);
            var problem = JsonDocument.Parse(two.Body).RootElement;
            Assert.EndsWith("custodians-unavailable", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal("2 of 3 custodians needed, 1 answered", problem.GetProperty("detail").GetString());
            Assert.DoesNotContain("plaintext", two.Body, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(new[] { cluster['b'], cluster['c'] }.Where(n => !n.IsRunning).Select(n => n.StartAsync()));
        }
        var again = await DecryptAsync();
        Assert.True(again.Status == HttpStatusCode.OK, again.Body);

        // The residency report proves who holds the shares (the key.create event) and states where they are; it verifies offline.
        var reported = (await node.Cli.RunAsync("report", "residency", "--key", "alias/vault", "--out", "vault.json", "--out", "vault.html")).Ok();
        var verified = (await node.Cli.RunAsync("report", "verify", "vault.json")).Ok();
        var page = File.ReadAllText(node.Dir.File("vault.html"));
        Assert.Contains("Shares: who held them, and when", page, StringComparison.Ordinal);
        Assert.Contains("<code>custodian-a</code> (DE), <code>custodian-b</code> (FR), <code>custodian-c</code> (AT)", page, StringComparison.Ordinal);
        Assert.Contains("<code>2: custodian-b</code></td><td>FR</td><td>op-custodian-b</td><td>FR</td>", page, StringComparison.Ordinal);
        Assert.Contains(">custodian &#39;custodian-c&#39;</text>", page, StringComparison.Ordinal); // a box of the custody chain
        Assert.Contains("VALID", verified, StringComparison.Ordinal);
        Assert.Contains("Residency report of key ", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custodian_that_returns_a_wrong_partial_is_excluded_and_reported_and_the_other_two_unwrap()
    {
        var ct = TestContext.Current.CancellationToken;
        using var direct = cluster.Custodians();
        var material = await direct.GenerateAsync("key-liar", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        var (dek, blob) = Wrap(material, "key-liar");
        // a lies (one bit of its proof's z flipped); c is slow, so a's answer arrives before the quorum is reached.
        await using var liar = await CustodianProxy.StartAsync(cluster.Pki, cluster['a'], tamper: p => { var q = (byte[])p.Clone(); q[^1] ^= 1; return q; });
        await using var slow = await CustodianProxy.StartAsync(cluster.Pki, cluster['c'], delay: TimeSpan.FromMilliseconds(400));
        using var custodians = cluster.Custodians(addresses: new Dictionary<string, string> { ["custodian-a"] = liar.Address, ["custodian-c"] = slow.Address });

        using var outcome = await UnwrapAsync(custodians, material, "key-liar", blob);

        Assert.Equal(ThresholdUnwrapFailure.None, outcome.Failure);
        Assert.Equal(dek, outcome.DataKey!.Reveal().ToArray());
        Assert.Equal(["custodian-b", "custodian-c"], outcome.Combined.Order());
        var fault = Assert.Single(outcome.Faults);
        Assert.Equal(("custodian-a", CustodianFaultKind.InvalidPartial), (fault.Custodian, fault.Kind));
        Assert.Contains("proof does not verify", fault.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_generation_with_a_custodian_down_fails_naming_it_and_leaves_no_share_anywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        using var custodians = cluster.Custodians();
        cluster['c'].Kill();
        try
        {
            var e = await Assert.ThrowsAsync<ThresholdException>(() => custodians.GenerateAsync("key-down", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct));
            Assert.Contains("custodian custodian-c", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster['c'].StartAsync();
        }
        foreach (var node in cluster.Nodes) Assert.Empty(ThresholdSecrets.Shares(node.DataDir, node.SealKeyFile, "key-down", 1));
    }

    [Fact]
    public async Task A_dealer_whose_dealing_does_not_match_its_shares_is_named_and_the_round_is_aborted_everywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        // What custodian-a publishes is altered on the way: its second commitment becomes G, so its shares no longer match
        // and its answers to the complaints do not verify.
        await using var liar = await CustodianProxy.StartAsync(cluster.Pki, cluster['a'], tamperDealing: d =>
        {
            var changed = (byte[])d.Clone();
            P256Point.Generator.Encode(changed.AsSpan(3 + P256Point.CompressedSize, P256Point.CompressedSize));
            return changed;
        });
        using var custodians = cluster.Custodians(addresses: new Dictionary<string, string> { ["custodian-a"] = liar.Address });

        var e = await Assert.ThrowsAsync<ThresholdException>(() => custodians.GenerateAsync("key-dealer", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct));

        Assert.Contains("custodian custodian-a: dealer 1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not match its commitments", e.Message, StringComparison.Ordinal);
        foreach (var node in cluster.Nodes) Assert.Empty(ThresholdSecrets.Shares(node.DataDir, node.SealKeyFile, "key-dealer", 1));
    }

    [Fact]
    public async Task A_destroyed_key_version_answers_no_partial_even_right_after_being_used()
    {
        var ct = TestContext.Current.CancellationToken;
        using var custodians = cluster.Custodians();
        var material = await custodians.GenerateAsync("key-destroy", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        var (_, blob) = Wrap(material, "key-destroy");
        using (var before = await UnwrapAsync(custodians, material, "key-destroy", blob)) Assert.Equal(ThresholdUnwrapFailure.None, before.Failure);

        Assert.Empty(await custodians.DestroyAsync(material, "key-destroy", 1, ct));

        using var after = await UnwrapAsync(custodians, material, "key-destroy", blob);
        Assert.Equal(ThresholdUnwrapFailure.QuorumNotMet, after.Failure);
        Assert.Equal(3, after.Faults.Count);
        Assert.All(after.Faults, f => Assert.Contains("holds no active share", f.Detail, StringComparison.Ordinal));
        foreach (var node in cluster.Nodes) Assert.Empty(ThresholdSecrets.Shares(node.DataDir, node.SealKeyFile, "key-destroy", 1));
    }

    [Fact]
    public async Task A_slow_custodian_does_not_stall_the_unwrap()
    {
        var ct = TestContext.Current.CancellationToken;
        using var direct = cluster.Custodians();
        var material = await direct.GenerateAsync("key-slow", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        var (dek, blob) = Wrap(material, "key-slow");
        await using var slow = await CustodianProxy.StartAsync(cluster.Pki, cluster['b'], delay: TimeSpan.FromSeconds(10));
        using var custodians = cluster.Custodians(deadlineMilliseconds: 5000, addresses: new Dictionary<string, string> { ["custodian-b"] = slow.Address });
        using (await UnwrapAsync(custodians, material, "key-slow", blob)) { } // warm the connections

        var clock = Stopwatch.StartNew();
        using var outcome = await UnwrapAsync(custodians, material, "key-slow", blob);
        clock.Stop();

        Assert.Equal(ThresholdUnwrapFailure.None, outcome.Failure);
        Assert.Equal(dek, outcome.DataKey!.Reveal().ToArray());
        Assert.Equal(["custodian-a", "custodian-c"], outcome.Combined.Order());
        Assert.True(clock.ElapsedMilliseconds < 1000, $"the unwrap waited {clock.ElapsedMilliseconds} ms for the slow custodian");
    }

    [Fact]
    public async Task Every_Wycheproof_invalid_point_is_refused_by_the_custodian_process_with_its_reason_and_audited()
    {
        var ct = TestContext.Current.CancellationToken;
        using var custodians = cluster.Custodians();
        var material = await custodians.GenerateAsync("key-points", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        using var http = RawClient();
        var invalid = WycheproofInvalidPoints();
        Assert.Equal(24, invalid.Count);

        foreach (var (tcId, point) in invalid)
        {
            var body = new PartialRequest("key-points", 1, material.Group.Fingerprint, point, $"wycheproof-{tcId}", "token:tok_test", null, null);
            using var response = await http.PostAsJsonAsync("v1/custodian/partial", body, CustodianJson.Default.PartialRequest, ct);
            Assert.True(response.StatusCode == (HttpStatusCode)422, $"tcId {tcId}: {response.StatusCode}");
            var problem = await response.Content.ReadFromJsonAsync(CustodianJson.Default.CustodianProblem, ct);
            Assert.EndsWith("/point-rejected", problem!.Type, StringComparison.Ordinal);
            Assert.Contains(problem.Reason, new[] { "Malformed", "Identity", "CoordinateOutOfRange", "NotOnCurve", "NotInGroup" });
        }

        var events = await AuditEventsAsync(http, ct);
        var refused = events.Where(e => e.GetProperty("operation").GetString() == "custodian.partial"
            && e.TryGetProperty("errorCode", out var code) && code.GetString() == "point-rejected"
            && e.GetProperty("requestId").GetString()!.StartsWith("wycheproof-", StringComparison.Ordinal)).ToList();
        Assert.Equal(24, refused.Count);
        Assert.All(refused, e => Assert.True(e.GetProperty("evidence").TryGetProperty("point-rejection", out _)));

        // The log is tamper-evident: a signed checkpoint of it verifies with the custodian's verifier key and covers every event.
        var checkpoint = await http.GetFromJsonAsync("v1/custodian/audit/checkpoint", CustodianJson.Default.CheckpointResponse, ct);
        Assert.True(Custos.Crypto.Transparency.SignedNote.TryParse(checkpoint!.Checkpoint, out var note));
        Assert.True(Custos.Crypto.Transparency.NoteVerifier.TryParse(checkpoint.VerifierKey, out var verifier));
        Assert.True(note!.Verify(verifier!));
        Assert.StartsWith("custos-custodian/custodian-a\n", note.Text, StringComparison.Ordinal);
        Assert.True(checkpoint.TreeSize >= events.Count);
    }

    [Fact]
    public async Task Resharing_to_a_new_set_and_threshold_keeps_the_public_key_old_data_unwraps_old_shares_are_deleted_and_no_longer_combine()
    {
        var ct = TestContext.Current.CancellationToken;
        using var d = new CustodianNode(cluster.Root.Path, "custodian-d", cluster.Pki, "NL", CustodianCluster.Servers);
        var start = CustodianCluster.StartAsync([d]);
        using var custodians = cluster.Custodians(nodes: [.. cluster.Nodes, d]);
        var old = await custodians.GenerateAsync("key-reshare", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        var (dek, blob) = Wrap(old, "key-reshare");
        var oldShares = cluster.Nodes.SelectMany(n => ThresholdSecrets.Shares(n.DataDir, n.SealKeyFile, "key-reshare", 1)).ToList(); // the copies an attacker kept
        await start;

        var next = await custodians.ReshareAsync(old, "key-reshare", 1, Spec(3, "custodian-b", "custodian-c", "custodian-d"), ct);
        var unreachable = await custodians.CommitReshareAsync(old, next, "key-reshare", 1, ct);

        Assert.Empty(unreachable);
        Assert.Equal(old.Group.PublicKey, next.Group.PublicKey);
        Assert.NotEqual(old.Group.Fingerprint, next.Group.Fingerprint);
        Assert.Equal(3, next.Group.Threshold);
        using (var outcome = await UnwrapAsync(custodians, next, "key-reshare", blob))
        {
            Assert.Equal(ThresholdUnwrapFailure.None, outcome.Failure);
            Assert.Equal(dek, outcome.DataKey!.Reveal().ToArray());
        }
        // Old shares are gone from the custodians: a left, b and c hold only their new share.
        Assert.Empty(ThresholdSecrets.Shares(cluster['a'].DataDir, cluster['a'].SealKeyFile, "key-reshare", 1));
        foreach (var node in new[] { cluster['b'], cluster['c'], d })
        {
            var held = Assert.Single(ThresholdSecrets.Shares(node.DataDir, node.SealKeyFile, "key-reshare", 1));
            Assert.Equal((next.Group.Fingerprint, "active"), (held.Fingerprint, held.State));
        }
        // The old group asked through the custodians answers nothing any more.
        using (var stale = await UnwrapAsync(custodians, old, "key-reshare", blob))
            Assert.Equal(ThresholdUnwrapFailure.QuorumNotMet, stale.Failure);
        // Partials from the kept copies of old shares do not combine with the new group.
        var wrapped = ThresholdWrappedKey.TryParse(blob)!;
        var combiner = new ThresholdCombiner(next.Group, wrapped, "key-reshare"u8, 1);
        foreach (var (index, _, _, scalar) in oldShares)
        {
            using var share = KeyShare.FromScalar(index, scalar);
            combiner.Offer(index, PartialDecryption.Compute(share, wrapped.Ephemeral, "key-reshare"u8, 1));
        }
        using var result = combiner.Unwrap(Context);
        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Rejections.Count);
    }

    [Fact]
    public async Task A_lost_custodian_is_replaced_by_resharing_without_it_and_deletes_its_old_share_when_it_is_back_and_told_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var custodians = cluster.Custodians();
        var old = await custodians.GenerateAsync("key-lost", 1, Spec(2, "custodian-a", "custodian-b", "custodian-c"), ct);
        var (dek, blob) = Wrap(old, "key-lost");
        cluster['a'].Kill();
        IReadOnlyList<string> unreachable;
        ThresholdMaterial next;
        try
        {
            next = await custodians.ReshareAsync(old, "key-lost", 1, Spec(2, "custodian-b", "custodian-c"), ct);
            unreachable = await custodians.CommitReshareAsync(old, next, "key-lost", 1, ct);
            using var outcome = await UnwrapAsync(custodians, next, "key-lost", blob);
            Assert.Equal(dek, outcome.DataKey!.Reveal().ToArray());
        }
        finally
        {
            await cluster['a'].StartAsync();
        }
        Assert.Equal(["custodian-a"], unreachable);
        Assert.Equal(old.Group.PublicKey, next.Group.PublicKey);
        Assert.Single(ThresholdSecrets.Shares(cluster['a'].DataDir, cluster['a'].SealKeyFile, "key-lost", 1)); // its old share, until told
        Assert.Empty(await custodians.CommitReshareAsync(old, next, "key-lost", 1, ct));
        Assert.Empty(ThresholdSecrets.Shares(cluster['a'].DataDir, cluster['a'].SealKeyFile, "key-lost", 1));
    }

    [Fact]
    public async Task A_client_certificate_of_another_CA_or_of_no_configured_server_is_refused_at_the_handshake()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var (name, otherCa) in new[] { ("custos-test", true), ("custos-stranger", false) })
        {
            using var http = RawClient(name, otherCa);
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("v1/custodian/info", ct));
            Assert.NotNull(e.InnerException); // TLS: the connection is closed before any request is read
        }
        Assert.Contains("refused at the TLS handshake", cluster['a'].Output, StringComparison.Ordinal);
        using var trusted = RawClient();
        using var info = await trusted.GetAsync("v1/custodian/info", ct);
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_a_clear_4xx_problem_never_a_500()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = RawClient();
        int failedBefore = (await AuditEventsAsync(http, ct)).Count(e => e.GetProperty("outcome").GetString() == "failed");
        var requests = new[]
        {
            ("v1/custodian/partial", "{"),
            ("v1/custodian/partial", "{\"keyId\":\"\",\"keyVersion\":0,\"fingerprint\":\"x\",\"ephemeral\":\"AA==\",\"principal\":\"p\"}"),
            ("v1/custodian/rounds", "{\"roundId\":\"nope\",\"kind\":\"generate\",\"keyId\":\"k\",\"keyVersion\":1,\"threshold\":2,\"participants\":[]}"),
            ("v1/custodian/rounds/0123456789abcdef0123456789abcdef/receive", "{\"dealings\":[],\"shares\":[]}"),
            ("v1/custodian/keys/k/versions/1/commit", "{\"fingerprint\":\"zz\"}"),
        };
        foreach (var (path, json) in requests)
        {
            using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path} {json}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // Each refusal is one audit event.
        int failedAfter = (await AuditEventsAsync(http, ct)).Count(e => e.GetProperty("outcome").GetString() == "failed");
        Assert.Equal(requests.Length, failedAfter - failedBefore);
    }

    private HttpClient RawClient(string client = "custos-test", bool otherCa = false)
    {
        var (cert, key) = cluster.Pki.Client(client, otherCa);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(cert, key)];
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(cluster.Pki.CaFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, chain, _) => c is X509Certificate2 x && CustodianClient.IsTrusted(x, chain, roots, "custodian-a");
        return new HttpClient(handler) { BaseAddress = new Uri(cluster['a'].Address + "/") };
    }

    private static async Task<List<JsonElement>> AuditEventsAsync(HttpClient http, CancellationToken ct)
    {
        var all = new List<JsonElement>();
        long after = -1;
        while (true)
        {
            var page = await http.GetFromJsonAsync($"v1/custodian/audit/events?after={after}&limit=1000", CustodianJson.Default.AuditEventsResponse, ct);
            all.AddRange(page!.Events.Select(e => JsonDocument.Parse(e.Event).RootElement.Clone()));
            if (page.Next is not { } next) return all;
            after = next;
        }
    }

    private static List<(int TcId, byte[] Point)> WycheproofInvalidPoints()
    {
        var file = Path.Combine(Repo.Root, "..", "shared", "testvectors", "wycheproof", "ecdh_secp256r1_ecpoint_test.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        return [.. doc.RootElement.GetProperty("testGroups").EnumerateArray().SelectMany(g => g.GetProperty("tests").EnumerateArray())
            .Where(t => t.GetProperty("result").GetString() == "invalid")
            .Select(t => (t.GetProperty("tcId").GetInt32(), Convert.FromHexString(t.GetProperty("public").GetString()!)))];
    }
}
