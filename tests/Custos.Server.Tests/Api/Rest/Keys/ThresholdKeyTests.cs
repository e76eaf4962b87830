using System.Net;
using System.Text.Json;
using Custos.Core.Threshold;
using Custos.Keystores.Tests.Threshold;
using Custos.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Api.Rest.Keys;

/// <summary>
/// Threshold keys through the REST API on a real server (audit log on, node in DE) whose custodians are in-process fakes
/// running the real DKG and partials: a, b, c, d in DE, FR, AT, DE; e and f in NL and IE but compellable by the US; us in the US.
/// </summary>
public sealed class ThresholdKeyTests : ServerTest
{
    private readonly InProcessCustodians _custodians = new(
        InProcessCustodians.At("a", "DE", "op-a"), InProcessCustodians.At("b", "FR", "op-b"), InProcessCustodians.At("c", "AT", "op-c"),
        InProcessCustodians.At("d", "DE", "op-d"), InProcessCustodians.At("e", "NL", "op-e", "US"), InProcessCustodians.At("f", "IE", "op-f", "US"),
        InProcessCustodians.At("us", "US", "op-us"));

    protected override bool AuditLog => true;

    protected override Action<IServiceCollection>? Services => s => s.AddSingleton<IThresholdCustodians>(_custodians);

    private static object Threshold(int k, string[] custodians, int min = 1) => new { k, custodians, minJurisdictions = min };

    private Task<HttpResponseMessage> CreateAsync(object threshold, string[]? jurisdictions = null, string alias = "split") =>
        PostAsync(Root, "/v1/keys", new { alias, custody = "threshold", threshold, allowedJurisdictions = jurisdictions });

    private async Task<JsonElement> CreatedAsync(object threshold, string[]? jurisdictions = null) =>
        await OkAsync(await CreateAsync(threshold, jurisdictions), HttpStatusCode.Created);

    private async Task<(byte[] Plaintext, byte[] Blob)> DataKeyAsync(string keyId)
    {
        var body = await OkAsync(await PostAsync(Root, $"/v1/keys/{keyId}/generate-data-key", new { encryptionContext = new { order = "42" } }));
        return (body.GetProperty("plaintext").GetBytesFromBase64(), body.GetProperty("ciphertextBlob").GetBytesFromBase64());
    }

    private Task<HttpResponseMessage> DecryptAsync(byte[] blob) =>
        PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = Convert.ToBase64String(blob), encryptionContext = new { order = "42" } });

    private static IEnumerable<string> Custodians(JsonElement threshold) =>
        threshold.GetProperty("custodians").EnumerateArray().Select(c => $"{c.GetProperty("index").GetInt32()}:{c.GetProperty("name").GetString()}:{c.GetProperty("country").GetString()}");

    private static IEnumerable<string> Results(JsonElement auditEvent) =>
        auditEvent.GetProperty("threshold").GetProperty("custodians").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("result").GetString()}");

    [Fact]
    public async Task A_threshold_key_is_made_by_its_custodians_and_shown_with_its_public_record()
    {
        var key = await CreatedAsync(Threshold(2, ["a", "b", "c"], 2));

        Assert.Equal("threshold", key.GetProperty("custody").GetString());
        var version = key.GetProperty("versions")[0];
        Assert.Equal("threshold", version.GetProperty("keystore").GetString());
        var t = version.GetProperty("threshold");
        Assert.Equal((2, 3, 2), (t.GetProperty("k").GetInt32(), t.GetProperty("n").GetInt32(), t.GetProperty("minJurisdictions").GetInt32()));
        Assert.Equal(["1:a:DE", "2:b:FR", "3:c:AT"], Custodians(t));
        Assert.Equal(66, t.GetProperty("publicKey").GetString()!.Length);
        Assert.Equal(64, t.GetProperty("groupFingerprint").GetString()!.Length);
        var shown = await OkAsync(await Root.GetAsync($"/v1/keys/{key.GetProperty("id").GetString()}", Ct));
        Assert.Equal(t.GetProperty("groupFingerprint").GetString(), shown.GetProperty("versions")[0].GetProperty("threshold").GetProperty("groupFingerprint").GetString());
        Assert.Equal(1, _custodians.GenerateCalls);

        var create = Assert.Single(await EventsAsync(Root, "key.create"));
        Assert.Equal(["a:share", "b:share", "c:share"], Results(create));
        Assert.Equal(t.GetProperty("groupFingerprint").GetString(), create.GetProperty("threshold").GetProperty("group").GetString());
    }

    [Fact]
    public async Task Data_keys_and_small_data_round_trip_and_only_unwrapping_asks_the_custodians()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]))).GetProperty("id").GetString()!;

        var (plaintext, blob) = await DataKeyAsync(id);
        var encrypted = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = Convert.ToBase64String(new byte[20]) }));
        Assert.Equal(0, _custodians.UnwrapCalls);

        var decrypted = await OkAsync(await DecryptAsync(blob));
        Assert.Equal(plaintext, decrypted.GetProperty("plaintext").GetBytesFromBase64());
        var small = await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = encrypted.GetProperty("ciphertextBlob").GetString() }));
        Assert.Equal(new byte[20], small.GetProperty("plaintext").GetBytesFromBase64());
        Assert.Equal(2, _custodians.UnwrapCalls);
        Assert.StartsWith("token:", _custodians.LastRequest!.Principal, StringComparison.Ordinal);
        Assert.NotNull(_custodians.LastRequest.RequestId);

        var decrypts = await EventsAsync(Root, "data.decrypt");
        Assert.Equal(["a:combined", "b:combined"], Results(decrypts[0]));
    }

    [Fact]
    public async Task A_threshold_key_wraps_16_to_64_bytes_and_says_so()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]))).GetProperty("id").GetString()!;

        var detail = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = "aGVsbG8=" }), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("16 to 64 bytes", detail.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", new { numberOfBytes = 128 }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task With_one_custodian_down_it_decrypts_and_with_two_down_it_fails_closed_with_503_and_the_count()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]))).GetProperty("id").GetString()!;
        var (plaintext, blob) = await DataKeyAsync(id);

        _custodians.SetDown("b");
        Assert.Equal(plaintext, (await OkAsync(await DecryptAsync(blob))).GetProperty("plaintext").GetBytesFromBase64());
        _custodians.SetDown("c");
        var problem = await ProblemAsync(await DecryptAsync(blob), HttpStatusCode.ServiceUnavailable, "custodians-unavailable");
        Assert.Equal("2 of 3 custodians needed, 1 answered", problem.GetProperty("detail").GetString());
        _custodians.SetDown("b", false);
        _custodians.SetDown("c", false);
        await OkAsync(await DecryptAsync(blob));

        var decrypts = await EventsAsync(Root, "data.decrypt");
        Assert.Equal(["a:combined", "c:combined", "b:unreachable"], Results(decrypts[0]));
        Assert.Equal(("failed", "custodians-unavailable"), (decrypts[1].GetProperty("outcome").GetString(), decrypts[1].GetProperty("errorCode").GetString()));
        Assert.Equal(["b:unreachable", "c:unreachable"], Results(decrypts[1]));
    }

    [Fact]
    public async Task A_custodian_answering_with_a_wrong_partial_is_excluded_audited_and_the_decrypt_still_succeeds()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]))).GetProperty("id").GetString()!;
        var (plaintext, blob) = await DataKeyAsync(id);
        _custodians.SetFaulty("a");

        Assert.Equal(plaintext, (await OkAsync(await DecryptAsync(blob))).GetProperty("plaintext").GetBytesFromBase64());

        var decrypt = Assert.Single(await EventsAsync(Root, "data.decrypt"));
        Assert.Equal("allowed", decrypt.GetProperty("outcome").GetString());
        Assert.Equal(["b:combined", "c:combined", "a:invalid-partial"], Results(decrypt));
        Assert.Equal("its proof does not verify against its public share",
            decrypt.GetProperty("threshold").GetProperty("custodians")[2].GetProperty("detail").GetString());
        Assert.Contains(Server.Logs.Messages, m => m.Contains("custodian a did not contribute", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_blob_is_invalid_ciphertext_like_every_other_decryption_failure()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]))).GetProperty("id").GetString()!;
        var (_, blob) = await DataKeyAsync(id);
        blob[^1] ^= 1;

        var problem = await ProblemAsync(await DecryptAsync(blob), HttpStatusCode.BadRequest, "invalid-ciphertext");
        Assert.Equal("invalid ciphertext", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(1, new[] { "a", "b", "c" }, 1, "threshold.k is at least 2")]
    [InlineData(4, new[] { "a", "b", "c" }, 1, "threshold.k (4) is more than the number of custodians (3)")]
    [InlineData(2, new[] { "a", "zz", "c" }, 1, "unknown custodian 'zz' (configured on this server: a, b, c, d, e, f, us)")]
    [InlineData(2, new[] { "a", "b", "a" }, 1, "threshold.custodians names custodian 'a' twice")]
    [InlineData(2, new[] { "a", "b", "c" }, 3, "threshold.minJurisdictions is 1 to k (2); it is 3")]
    public async Task Bad_threshold_parameters_are_a_400_before_any_key_generation(int k, string[] custodians, int min, string expected)
    {
        var problem = await ProblemAsync(await CreateAsync(Threshold(k, custodians, min)), HttpStatusCode.BadRequest, "validation-failed");

        Assert.StartsWith(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _custodians.GenerateCalls);
    }

    [Fact]
    public async Task Threshold_parameters_must_match_the_custody()
    {
        await ProblemAsync(await PostAsync(Root, "/v1/keys", new { custody = "threshold" }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync(Root, "/v1/keys", new { custody = "software", threshold = Threshold(2, ["a", "b"]) }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync(Root, "/v1/keys", new { custody = "threshold", threshold = new { custodians = new[] { "a", "b" } } }), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(0, _custodians.GenerateCalls);
    }

    [Fact]
    public async Task A_custodian_outside_the_keys_jurisdictions_is_refused_naming_it_and_its_country()
    {
        var problem = await ProblemAsync(await CreateAsync(Threshold(2, ["a", "us", "b"]), ["EU"]), HttpStatusCode.Forbidden, "residency-violation");

        Assert.Equal("new key alias/split (confidential): the key's allowedJurisdictions allows EU, but custodian 'us' is in US", problem.GetProperty("detail").GetString());
        Assert.Equal(0, _custodians.GenerateCalls);
        var refused = Assert.Single(await EventsAsync(Root, "key.create"));
        Assert.Equal("denied", refused.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_foreign_jurisdiction_able_to_compel_k_custodians_is_refused_naming_them()
    {
        var problem = await ProblemAsync(await CreateAsync(Threshold(2, ["e", "f", "a"]), ["EU"]), HttpStatusCode.Forbidden, "residency-violation");

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("the law of US, outside the jurisdictions the key allows (EU), can compel 2 of its custodians, enough for the threshold of 2", detail, StringComparison.Ordinal);
        Assert.Contains("'e' (declared in compellableBy), 'f' (declared in compellableBy)", detail, StringComparison.Ordinal);
        // With k = 3 the US reaches only 2 shares: allowed.
        await OkAsync(await CreateAsync(Threshold(3, ["e", "f", "a"]), ["EU"]), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Any_k_custodians_must_span_min_jurisdictions()
    {
        var problem = await ProblemAsync(await CreateAsync(Threshold(2, ["a", "d", "b"], 2)), HttpStatusCode.Forbidden, "residency-violation");

        Assert.Equal("new key alias/split (confidential): any 2 of its custodians must span at least 2 jurisdictions (minJurisdictions), but 'a' (DE), 'd' (DE) span only DE",
            problem.GetProperty("detail").GetString());
        await OkAsync(await CreateAsync(Threshold(2, ["a", "d", "b"], 1)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Rotation_makes_the_new_version_with_the_same_custodians_and_a_new_group()
    {
        var key = await CreatedAsync(Threshold(2, ["a", "b", "c"], 2));
        var id = key.GetProperty("id").GetString()!;

        var rotated = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/rotate"));

        var (v1, v2) = (rotated.GetProperty("versions")[0].GetProperty("threshold"), rotated.GetProperty("versions")[1].GetProperty("threshold"));
        Assert.Equal(Custodians(v1), Custodians(v2));
        Assert.Equal(2, v2.GetProperty("minJurisdictions").GetInt32());
        Assert.NotEqual(v1.GetProperty("publicKey").GetString(), v2.GetProperty("publicKey").GetString());
        Assert.Equal(2, _custodians.GenerateCalls);
    }

    [Fact]
    public async Task Resharing_replaces_the_material_keeps_the_public_key_and_data_wrapped_before_still_decrypts()
    {
        var key = await CreatedAsync(Threshold(2, ["a", "b", "c"], 2));
        var id = key.GetProperty("id").GetString()!;
        var before = key.GetProperty("versions")[0].GetProperty("threshold");
        var (plaintext, blob) = await DataKeyAsync(id);
        await OkAsync(await DecryptAsync(blob)); // the old material is cached now

        var reshared = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/1/reshare", new { custodians = new[] { "a", "b", "e" } }));

        var after = reshared.GetProperty("versions")[0].GetProperty("threshold");
        Assert.Equal(["1:a:DE", "2:b:FR", "3:e:NL"], Custodians(after));
        Assert.Equal(before.GetProperty("publicKey").GetString(), after.GetProperty("publicKey").GetString());
        Assert.NotEqual(before.GetProperty("groupFingerprint").GetString(), after.GetProperty("groupFingerprint").GetString());
        Assert.Equal(0, _custodians.SharesHeldBy("c"));
        _custodians.SetDown("a"); // b and e must do it: only the new shares can
        Assert.Equal(plaintext, (await OkAsync(await DecryptAsync(blob))).GetProperty("plaintext").GetBytesFromBase64());

        var ev = Assert.Single(await EventsAsync(Root, "key.reshare"));
        var t = ev.GetProperty("threshold");
        Assert.Equal((after.GetProperty("groupFingerprint").GetString(), before.GetProperty("groupFingerprint").GetString()),
            (t.GetProperty("group").GetString(), t.GetProperty("previousGroup").GetString()));
        Assert.Equal(["a", "b", "c"], t.GetProperty("previousCustodians").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["a:share", "b:share", "e:share"], Results(ev));
        Assert.Equal(1, ev.GetProperty("keyVersion").GetInt32());
        Assert.Equal((1, 1, 0), (_custodians.ReshareCalls, _custodians.CommitCalls, _custodians.AbortCalls));
    }

    [Fact]
    public async Task Resharing_to_a_custodian_the_key_may_not_use_is_refused_before_any_dealing()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]), ["EU"])).GetProperty("id").GetString()!;

        var problem = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/1/reshare", new { custodians = new[] { "a", "us", "b" } }),
            HttpStatusCode.Forbidden, "residency-violation");

        Assert.Contains("custodian 'us' is in US", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _custodians.ReshareCalls);
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/1/reshare", new { k = 5 }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/9/reshare", new { }), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/x/reshare", new { }), HttpStatusCode.BadRequest, "validation-failed");
        var software = await Policy.PolicyTestHelpers.CreateKeyAsync(Root, "plain", "internal");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{software}/versions/1/reshare", new { }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task A_caller_the_policy_refuses_resharing_gets_403_whatever_the_key_and_version()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]), ["EU"])).GetProperty("id").GetString()!;
        var software = await Policy.PolicyTestHelpers.CreateKeyAsync(Root, "plain-" + Guid.NewGuid().ToString("N")[..6], "internal");
        var (_, secret) = await Policy.PolicyTestHelpers.CreateTokenAsync(Root, "app", ["key-user"]);
        var user = Server.NewClient(secret);

        // The same refusal for a threshold key, a software key and a version that does not exist: nothing about the key leaks.
        foreach (var path in new[] { $"/v1/keys/{id}/versions/1/reshare", $"/v1/keys/{software}/versions/1/reshare", $"/v1/keys/{id}/versions/9/reshare" })
            await ProblemAsync(await PostAsync(user, path, new { }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, _custodians.ReshareCalls);
    }

    [Fact]
    public async Task When_resharing_cannot_reach_enough_old_custodians_it_is_503_and_nothing_changes()
    {
        var key = await CreatedAsync(Threshold(2, ["a", "b", "c"]));
        var id = key.GetProperty("id").GetString()!;
        _custodians.SetDown("a");
        _custodians.SetDown("b");

        var problem = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/1/reshare", new { }), HttpStatusCode.ServiceUnavailable, "custodians-unavailable");

        Assert.StartsWith("resharing failed: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var shown = await OkAsync(await Root.GetAsync($"/v1/keys/{id}", Ct));
        Assert.Equal(key.GetProperty("versions")[0].GetProperty("threshold").GetProperty("groupFingerprint").GetString(),
            shown.GetProperty("versions")[0].GetProperty("threshold").GetProperty("groupFingerprint").GetString());
    }

    [Fact]
    public async Task An_edit_that_would_put_a_custodian_outside_the_keys_jurisdictions_is_refused_naming_it()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]), ["EU"])).GetProperty("id").GetString()!;

        var problem = await ProblemAsync(await PatchAsync(Root, $"/v1/keys/{id}", new { allowedJurisdictions = new[] { "DE", "FR" } }),
            HttpStatusCode.Forbidden, "residency-violation");

        Assert.Contains("custodian 'c' is in AT", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await OkAsync(await PatchAsync(Root, $"/v1/keys/{id}", new { allowedJurisdictions = new[] { "DE", "FR", "AT" } }));
    }

    [Fact]
    public async Task A_register_change_that_would_let_a_foreign_law_compel_k_custodians_is_a_409_and_the_key_keeps_working()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"]), ["EU"])).GetProperty("id").GetString()!;
        var (plaintext, blob) = await DataKeyAsync(id);
        Task<HttpResponseMessage> PutProviderAsync(string op, string country) =>
            Root.PutAsync($"/v1/register/providers/{op}", new StringContent(Json(new { legalName = "Trustee " + op, headquartersCountry = country }),
                System.Text.Encoding.UTF8, "application/json"), Ct);

        await OkAsync(await PutProviderAsync("op-a", "US")); // one custodian reachable by US law: below the threshold of 2
        var refused = await OkAsync(await PutProviderAsync("op-b", "US"), HttpStatusCode.Conflict);

        Assert.Equal($"this change to provider 'op-b' would put 1 existing key(s) out of residency policy: key {id} (alias/split, confidential): the law of US, "
            + "outside the jurisdictions the key allows (EU), can compel 2 of its custodians, enough for the threshold of 2: 'a' (headquarters of provider 'op-a'), "
            + "'b' (headquarters of provider 'op-b')", refused.GetProperty("detail").GetString());
        Assert.Equal(id, refused.GetProperty("keys").GetString());
        using var kept = await Root.GetAsync("/v1/register/providers/op-b", Ct);
        var entry = await OkAsync(kept);
        Assert.Equal("FR", entry.GetProperty("provider").GetProperty("headquartersCountry").GetString()); // dev mode's placeholder, unchanged
        Assert.Equal(["custodian 'b'"], entry.GetProperty("usedBy").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(plaintext, (await OkAsync(await DecryptAsync(blob))).GetProperty("plaintext").GetBytesFromBase64());
    }

    [Fact]
    public async Task The_residency_report_of_a_threshold_key_proves_who_held_its_shares_and_states_where_they_are_now()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "c"], 2), ["EU"])).GetProperty("id").GetString()!;
        var (plaintext, blob) = await DataKeyAsync(id);
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/versions/1/reshare", new { custodians = new[] { "a", "b", "e" } }));
        Assert.Equal(plaintext, (await OkAsync(await DecryptAsync(blob))).GetProperty("plaintext").GetBytesFromBase64());

        using var response = await Root.GetAsync($"/v1/reports/residency?key={id}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var parsed = await Custos.Core.Reports.ResidencyReport.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), Ct);
        var verification = Custos.Core.Reports.ResidencyReportVerifier.Verify(parsed.Value, null, null);
        Assert.True(verification.Ok, string.Join("; ", verification.Problems));

        var report = parsed.Value;
        var version = Assert.Single(report.Findings.Versions);
        Assert.Collection(version.Shares!,
            created =>
            {
                Assert.Equal("key.create", created.Dealt.Operation);
                Assert.Equal(["a:DE", "b:FR", "c:AT"], created.Custodians.Select(c => $"{c.Name}:{c.Country}"));
            },
            reshared =>
            {
                Assert.Equal("key.reshare", reshared.Dealt.Operation);
                Assert.Equal(["a:DE", "b:FR", "e:NL"], reshared.Custodians.Select(c => $"{c.Name}:{c.Country}"));
                Assert.Equal(version.Until, reshared.Until);
                Assert.Empty(reshared.OutsideAllowed);
            });
        Assert.Equal(version.Shares![1].Dealt.Time, version.Shares[0].Until);
        Assert.Contains(report.Findings.Provenance, p => p.Proven && p.Fact == "version 1: when its shares were dealt, to which custodians, in which countries");

        var placements = Assert.Single(report.Statement.SharePlacements!);
        Assert.Equal((1, 2, 2, version.Shares[1].Group), (placements.Version, placements.Threshold, placements.MinJurisdictions, placements.Group));
        Assert.Equal(["1:a:DE:op-a:DE", "2:b:FR:op-b:FR", "3:e:NL:op-e:NL,US"],
            placements.Custodians.Select(c => $"{c.Index}:{c.Name}:{c.Country}:{c.Operator}:{string.Join(",", c.CompellableBy!)}"));
        Assert.StartsWith("each version's key is split k-of-n across custodians", report.Statement.Shares, StringComparison.Ordinal);
        Assert.Equal(["op-a", "op-b", "op-e"], report.Statement.Providers.Select(p => p.Id)); // the trustees' register entries are quoted
    }

    [Fact]
    public async Task The_residency_overview_lists_a_threshold_keys_custodians_with_their_legal_exposure()
    {
        var id = (await CreatedAsync(Threshold(2, ["a", "b", "e"]), ["EU"])).GetProperty("id").GetString()!;

        var overview = await OkAsync(await Root.GetAsync("/v1/reports/residency/overview", Ct));

        var key = Assert.Single(overview.GetProperty("keys").EnumerateArray());
        Assert.Equal((id, "threshold"), (key.GetProperty("id").GetString(), key.GetProperty("custody").GetString()));
        Assert.Equal(["node:DE:serving", "custodian 'a':DE:material:DE", "custodian 'b':FR:material:FR", "custodian 'e':NL:material:NL,US"],
            key.GetProperty("placements").EnumerateArray().Select(p =>
                $"{(p.GetProperty("name").GetString()!.StartsWith("node ", StringComparison.Ordinal) ? "node" : p.GetProperty("name").GetString())}:{p.GetProperty("country").GetString()}:{p.GetProperty("role").GetString()}"
                + (p.GetProperty("role").GetString() == "material" ? ":" + string.Join(",", p.GetProperty("compellableBy").EnumerateArray().Select(j => j.GetString())) : "")));
        Assert.Empty(key.GetProperty("violations").EnumerateArray());
        Assert.Equal(["DE", "FR", "NL"], overview.GetProperty("totals").GetProperty("byMaterialCountry").EnumerateObject().Select(c => c.Name));
    }
}
