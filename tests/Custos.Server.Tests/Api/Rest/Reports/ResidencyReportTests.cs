using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Core.Reports;
using Custos.Server.Tests.Support;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Api.Rest.Reports;

/// <summary>
/// GET /v1/reports/residency on a real server in dev mode (node in DE, operated by dev mode's placeholder provider, holding
/// the software keystore), audit log on. The history: a key created and rotated by root, used by two key users (one with
/// justifications), and a key administrator refused decryption by the default policy. The report lists all of it, verifies
/// offline, and fails verification when any line of it is edited.
/// </summary>
public sealed class ResidencyReportTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(o => o with { AuditLog = true }, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private sealed record History(string KeyId, string Alice, string Bob, string Carol, string Root, string LogKey, string[] Secrets);

    /// <summary>Makes the history and returns who is who (principal ids) and the log's verifier key as the audit API serves it.</summary>
    private async Task<History> MakeHistoryAsync()
    {
        var (aliceId, alice) = await CreateTokenAsync(_server.Root, "alice", ["key-user"]);
        var (bobId, bob) = await CreateTokenAsync(_server.Root, "bob", ["key-user"]);
        var (carolId, carol) = await CreateTokenAsync(_server.Root, "carol", ["key-admin"]);
        using var a = _server.NewClient(alice);
        using var b = _server.NewClient(bob);
        using var c = _server.NewClient(carol);
        string keyId;
        using (var created = await PostAsync(_server.Root, "/v1/keys", new { alias = "payroll", classification = "confidential", allowedJurisdictions = new[] { "EU" }, owner = "finance" }))
            keyId = (await OkAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;

        byte[] blob;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys/alias/payroll/encrypt") { Content = Json(new { plaintext = "aGVsbG8=" }) })
        {
            request.Headers.Add("Custos-Justification", "scheduled-job; nightly payroll");
            blob = (await OkAsync(await a.SendAsync(request, Ct))).GetProperty("ciphertextBlob").GetBytesFromBase64();
        }
        using (var rotated = await PostAsync(_server.Root, "/v1/keys/alias/payroll/rotate", null)) await OkAsync(rotated);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decrypt") { Content = Json(new { ciphertextBlob = blob }) })
        {
            request.Headers.Add("Custos-Justification", "customer-initiated-access");
            await OkAsync(await b.SendAsync(request, Ct));
        }
        using (var again = await PostAsync(a, "/v1/keys/alias/payroll/encrypt", new { plaintext = "aGVsbG8=" })) await OkAsync(again);
        using (var refused = await PostAsync(c, "/v1/decrypt", new { ciphertextBlob = blob })) await OkAsync(refused, HttpStatusCode.Forbidden);

        var checkpoint = await OkAsync(await _server.Root.GetAsync("/v1/audit/checkpoint", Ct));
        var rootId = (await EventsAsync(_server.Root, "key.create"))[0].GetProperty("principal").GetString()!;
        return new History(keyId, "token:" + aliceId, "token:" + bobId, "token:" + carolId, rootId, checkpoint.GetProperty("verifierKey").GetString()!,
            [alice, bob, carol, _server.Secrets.RootToken]);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    /// <summary>The report as an auditor fetches it (text).</summary>
    private async Task<string> FetchReportAsync(string key)
    {
        var (_, auditor) = await CreateTokenAsync(_server.Root, "audrey-" + Guid.NewGuid().ToString("N")[..6], ["auditor"]);
        using var client = _server.NewClient(auditor);
        using var response = await client.GetAsync($"/v1/reports/residency?key={Uri.EscapeDataString(key)}", HttpCompletionOption.ResponseHeadersRead, Ct);
        string text;
        try { text = await response.Content.ReadAsStringAsync(Ct); }
        catch (HttpRequestException e) { throw new InvalidOperationException(string.Join("\n", _server.Logs.Messages), e); }
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    /// <summary>Reads and verifies a report as 'custos report verify' does; a report that does not even read fails with that message.</summary>
    private static async Task<ReportVerification> VerifyAsync(string text, string? logKey = null, string? fingerprint = null)
    {
        var parsed = await ResidencyReport.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), Ct);
        return parsed.IsSuccess ? ResidencyReportVerifier.Verify(parsed.Value, logKey, fingerprint) : new ReportVerification { Ok = false, Problems = [parsed.Error.Message] };
    }

    [Fact]
    public async Task The_report_lists_versions_where_they_lived_every_access_by_principal_justification_and_country_and_the_refusal()
    {
        var h = await MakeHistoryAsync();

        var text = await FetchReportAsync("alias/payroll");
        var report = JsonDocument.Parse(text).RootElement;
        var statement = report.GetProperty("statement");
        var findings = report.GetProperty("findings");

        Assert.Equal(ResidencyReport.FormatName, report.GetProperty("format").GetString());
        Assert.Equal((h.KeyId, "payroll", "finance"), (statement.GetProperty("key").GetProperty("id").GetString(), statement.GetProperty("key").GetProperty("alias").GetString(),
            statement.GetProperty("key").GetProperty("owner").GetString()));
        Assert.Contains("AT", statement.GetProperty("requirements").GetProperty("allowedJurisdictions").EnumerateArray().Select(j => j.GetString()));

        // Versions: made by root in the software keystore of the node in DE, run by the dev placeholder; v1 primary until v2.
        var versions = findings.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        foreach (var (v, n, op) in new[] { (versions[0], 1, "key.create"), (versions[1], 2, "key.rotate") })
        {
            Assert.Equal(n, v.GetProperty("number").GetInt32());
            Assert.Equal((op, h.Root), (v.GetProperty("created").GetProperty("operation").GetString(), v.GetProperty("created").GetProperty("principal").GetString()));
            var l = v.GetProperty("location");
            Assert.Equal(("software", "DE", "dev machine", "self-hosted-dev"),
                (l.GetProperty("keystore").GetString(), l.GetProperty("country").GetString(), l.GetProperty("region").GetString(), l.GetProperty("operator").GetString()));
            Assert.Equal(["DE"], l.GetProperty("compellableBy").EnumerateArray().Select(j => j.GetString()));
            Assert.Empty(v.GetProperty("outsideAllowed").EnumerateArray());
            Assert.True(v.GetProperty("stillHeld").GetBoolean());
            Assert.True(v.GetProperty("seconds").GetInt64() >= 0);
        }
        Assert.Equal(versions[1].GetProperty("from").GetDateTimeOffset(), versions[0].GetProperty("primaryUntil").GetDateTimeOffset());
        Assert.False(versions[1].TryGetProperty("primaryUntil", out _));

        // Every access, grouped: by principal, by justification, by serving node country.
        var access = findings.GetProperty("access");
        Assert.Equal((6, 5, 1, 0), (access.GetProperty("total").GetInt64(), access.GetProperty("allowed").GetInt64(), access.GetProperty("denied").GetInt64(), access.GetProperty("failed").GetInt64()));
        var byPrincipal = Rows(access.GetProperty("byPrincipal"));
        Assert.Equal(4, byPrincipal.Count);
        Assert.Equal((2L, 2L, 0L, "data.encrypt=2"), Row(byPrincipal[h.Alice]));
        Assert.Equal((1L, 1L, 0L, "data.decrypt=1"), Row(byPrincipal[h.Bob]));
        Assert.Equal((1L, 0L, 1L, "data.decrypt=1"), Row(byPrincipal[h.Carol]));
        Assert.Equal((2L, 2L, 0L, "key.create=1,key.rotate=1"), Row(byPrincipal[h.Root]));
        Assert.True(byPrincipal[h.Alice].GetProperty("first").GetDateTimeOffset() < byPrincipal[h.Alice].GetProperty("last").GetDateTimeOffset());
        var byJustification = Rows(access.GetProperty("byJustification"));
        Assert.Equal((1L, 1L, 0L, "data.encrypt=1"), Row(byJustification["scheduled-job"]));
        Assert.Equal((1L, 1L, 0L, "data.decrypt=1"), Row(byJustification["customer-initiated-access"]));
        Assert.Equal((4L, 3L, 1L, "data.decrypt=1,data.encrypt=1,key.create=1,key.rotate=1"), Row(byJustification["(none)"]));
        var country = Assert.Single(access.GetProperty("byNodeCountry").EnumerateArray());
        Assert.Equal(("DE", 6L, false), (country.GetProperty("value").GetString(), country.GetProperty("count").GetInt64(), country.GetProperty("outsideAllowed").GetBoolean()));
        Assert.Equal([_server.Options.NodeName], country.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));

        // The refusal, with its error code and deciding rule.
        var refusal = Assert.Single(findings.GetProperty("refusals").EnumerateArray());
        Assert.Equal((h.Carol, "data.decrypt", "denied", "forbidden", "0/default-deny", "DE"),
            (refusal.GetProperty("principal").GetString(), refusal.GetProperty("operation").GetString(), refusal.GetProperty("outcome").GetString(),
             refusal.GetProperty("errorCode").GetString(), refusal.GetProperty("policy").GetString(), refusal.GetProperty("nodeCountry").GetString()));

        // The operator's register entry is the one its register.put event recorded; key attributes are marked as stated.
        var provider = Assert.Single(statement.GetProperty("providers").EnumerateArray());
        Assert.Equal("self-hosted-dev", provider.GetProperty("id").GetString());
        Assert.True(provider.GetProperty("entry").GetProperty("dev").GetBoolean());
        var put = Assert.Single(report.GetProperty("evidence").GetProperty("registerEvents").EnumerateArray());
        Assert.Equal(put.GetProperty("index").GetInt64(), provider.GetProperty("putEvent").GetInt64());
        var provenance = findings.GetProperty("provenance").EnumerateArray().ToDictionary(p => p.GetProperty("fact").GetString()!, p => p.GetProperty("proven").GetBoolean());
        Assert.True(provenance["provider 'self-hosted-dev': its register entry (contracts, certifications, headquarters, subprocessors)"]);
        Assert.True(provenance["version 2: when and where its material was made, its operator and who could compel it"]);
        Assert.False(provenance["the key's attributes and state, the residency requirements in force, the share placements"]);
        Assert.StartsWith("none: custody 'software'", statement.GetProperty("shares").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, report.GetProperty("evidence").GetProperty("events").GetArrayLength());

        // No token, no plaintext.
        foreach (var secret in h.Secrets) Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("aGVsbG8=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_verifies_offline_against_the_log_key_and_its_own_event_is_in_the_log()
    {
        var h = await MakeHistoryAsync();
        var text = await FetchReportAsync(h.KeyId);

        var byKey = await VerifyAsync(text, logKey: h.LogKey);
        var byFingerprint = await VerifyAsync(text, fingerprint: "sha256:" + ResidencyReportVerifier.Fingerprint(h.LogKey).ToUpperInvariant());
        var otherKey = await VerifyAsync(text, fingerprint: new string('0', 64));

        Assert.True(byKey.Ok, string.Join("\n", byKey.Problems));
        Assert.Equal((h.KeyId, 6L), (byKey.KeyId, byKey.Events));
        Assert.True(byFingerprint.Ok, string.Join("\n", byFingerprint.Problems));
        Assert.False(otherKey.Ok);
        Assert.Equal($"the report's log key has fingerprint {ResidencyReportVerifier.Fingerprint(h.LogKey)}, not the expected {new string('0', 64)}", Assert.Single(otherKey.Problems));
        var attestation = (await EventsAsync(_server.Root, "report.residency")).Single(e => e.GetProperty("outcome").GetString() == "allowed");
        var statementSha = (await ResidencyReport.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), Ct)).Value.Statement.Sha256();
        Assert.Equal((h.KeyId, statementSha), (attestation.GetProperty("keyId").GetString(), attestation.GetProperty("documentSha256").GetString()));
    }

    [Fact]
    public async Task Editing_any_line_of_the_report_fails_verification_naming_what_differs()
    {
        var h = await MakeHistoryAsync();
        var text = await FetchReportAsync("alias/payroll");
        var original = JsonNode.Parse(text)!;
        int alice = Index(original["findings"]!["access"]!["byPrincipal"]!, h.Alice);
        int carolEvent = original["evidence"]!["events"]!.AsArray().Select((e, i) => (e, i))
            .Single(x => Encoding.UTF8.GetString(Convert.FromBase64String(x.e!["data"]!.GetValue<string>())).Contains(h.Carol, StringComparison.Ordinal)).i;

        var edits = new (string What, Action<JsonNode> Edit, string Expected)[]
        {
            ("a count", r => r["findings"]!["access"]!["byPrincipal"]![alice]!["count"] = 3,
                $"findings.access.byPrincipal[{alice}].count: the report states 3, the events give 2"),
            ("a total", r => r["findings"]!["access"]!["denied"] = 0, "findings.access.denied: the report states 0, the events give 1"),
            ("a country", r => r["findings"]!["versions"]![0]!["location"]!["country"] = "US",
                "findings.versions[0].location.country: the report states \"US\", the events give \"DE\""),
            ("a serving country", r => r["findings"]!["access"]!["byNodeCountry"]![0]!["value"] = "FR",
                "findings.access.byNodeCountry[0].value: the report states \"FR\", the events give \"DE\""),
            ("a principal", r => r["findings"]!["refusals"]![0]!["principal"] = h.Alice,
                $"findings.refusals[0].principal: the report states \"{h.Alice}\", the events give \"{h.Carol}\""),
            ("an outcome", r => r["findings"]!["refusals"]![0]!["outcome"] = "failed",
                "findings.refusals[0].outcome: the report states \"failed\", the events give \"denied\""),
            ("a deciding rule", r => r["findings"]!["refusals"]![0]!["policy"] = "0/key-admins-manage",
                "findings.refusals[0].policy: the report states \"0/key-admins-manage\", the events give \"0/default-deny\""),
            ("a time", r => r["findings"]!["versions"]![1]!["from"] = "2020-01-01T00:00:00+00:00", "findings.versions[1].from: the report states \"2020-01-01T00:00:00+00:00\""),
            ("a removed refusal", r => r["findings"]!["refusals"]!.AsArray().RemoveAt(0), "findings.refusals: the report lists 0 item(s), the events give 1"),
            ("an added member", r => r["findings"]!["versions"]![0]!["note"] = "fine", "The JSON property 'note' could not be mapped"),
            ("an operation count", r => r["findings"]!["access"]!["byNodeCountry"]![0]!["operations"]!["data.encrypt"] = 3, "findings.access.byNodeCountry[0].operations.data.encrypt: the report states 3, the events give 2"),
            ("an event's leaf data", r => r["evidence"]!["events"]![carolEvent]!["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                    Encoding.UTF8.GetString(Convert.FromBase64String(r["evidence"]!["events"]![carolEvent]!["data"]!.GetValue<string>())).Replace("\"denied\"", "\"allowed\"", StringComparison.Ordinal))),
                "its inclusion proof does not verify against checkpoint"),
            ("a proof hash", r => r["evidence"]!["events"]![0]!["proof"]![0] = Convert.ToBase64String(new byte[32]), "its inclusion proof does not verify against checkpoint"),
            ("a removed event", r => r["evidence"]!["events"]!.AsArray().RemoveAt(carolEvent), "evidence.events: the report embeds 5 event(s), its statement counts 6"),
            ("the checkpoint's root", r => r["evidence"]!["checkpoint"] = EditCheckpoint(r["evidence"]!["checkpoint"]!.GetValue<string>(), 2, _ => Convert.ToBase64String(new byte[32])),
                "is not signed by the report's log key"),
            ("the checkpoint's size", r => r["evidence"]!["checkpoint"] = EditCheckpoint(r["evidence"]!["checkpoint"]!.GetValue<string>(), 1, size => (long.Parse(size) + 1).ToString()),
                "is not signed by the report's log key"),
            ("the log key", r => r["evidence"]!["verifierKey"] = OtherLogKey(), "is not signed by the report's log key"),
            ("the statement", r => r["statement"]!["key"]!["alias"] = "payroll-eu", "statement: changed after the report was made"),
            ("a register entry", r => r["statement"]!["providers"]![0]!["entry"]!["euOnlyStaffing"] = true,
                "statement.providers 'self-hosted-dev': the entry is not the one register event"),
        };

        Assert.True((await VerifyAsync(text, logKey: h.LogKey)).Ok);
        foreach (var (what, edit, expected) in edits)
        {
            var copy = original.DeepClone();
            edit(copy);
            var result = await VerifyAsync(copy.ToJsonString(), logKey: what == "the log key" ? null : h.LogKey);
            Assert.False(result.Ok, $"editing {what} was not noticed");
            Assert.True(result.Problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"editing {what}: {string.Join(" | ", result.Problems)}");
        }
    }

    [Fact]
    public async Task Auditors_and_security_officers_may_make_reports_and_others_are_refused_and_audited()
    {
        await CreateKeyAsync(_server.Root, "k", "internal");
        var (_, user) = await CreateTokenAsync(_server.Root, "app", ["key-user"]);
        var (_, admin) = await CreateTokenAsync(_server.Root, "adm", ["key-admin"]);
        var (_, officer) = await CreateTokenAsync(_server.Root, "so", ["security-officer"]);
        using var u = _server.NewClient(user);
        using var a = _server.NewClient(admin);
        using var o = _server.NewClient(officer);

        using var byUser = await u.GetAsync("/v1/reports/residency?key=alias/k", Ct);
        using var byAdmin = await a.GetAsync("/v1/reports/residency?key=alias/k", Ct);
        using var byOfficer = await o.GetAsync("/v1/reports/residency?key=alias/k", Ct);
        using var anonymous = await _server.Anonymous.GetAsync("/v1/reports/residency?key=alias/k", Ct);

        Assert.Equal("'app' may not make residency reports (security officers and auditors may)", await ProblemAsync(byUser, HttpStatusCode.Forbidden));
        await ProblemAsync(byAdmin, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var events = await EventsAsync(_server.Root, "report.residency");
        Assert.Equal(["denied", "denied", "allowed"], events.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal("forbidden", events[0].GetProperty("errorCode").GetString());

        // The overview of every key: the same readers.
        using var overviewByUser = await u.GetAsync("/v1/reports/residency/overview", Ct);
        using var overviewByOfficer = await o.GetAsync("/v1/reports/residency/overview", Ct);
        Assert.Equal("'app' may not make residency reports (security officers and auditors may)", await ProblemAsync(overviewByUser, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.OK, overviewByOfficer.StatusCode);
        Assert.Equal(["denied", "allowed"], (await EventsAsync(_server.Root, "report.residency-overview")).Select(e => e.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Bad_input_is_a_clear_4xx()
    {
        using var missing = await _server.Root.GetAsync("/v1/reports/residency", Ct);
        using var unknown = await _server.Root.GetAsync("/v1/reports/residency?key=alias/nothing", Ct);
        using var garbage = await _server.Root.GetAsync("/v1/reports/residency?key=%3Cscript%3E", Ct);

        Assert.Equal("key is required: ?key=ID or ?key=alias/NAME", await ProblemAsync(missing, HttpStatusCode.BadRequest));
        Assert.Contains("alias/nothing", await ProblemAsync(unknown, HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.Contains("is neither a key id nor alias/NAME", await ProblemAsync(garbage, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_audit_log_there_is_nothing_to_prove_a_report_with()
    {
        await using var server = await TestServer.StartAsync(auditLog: false, Ct);
        await CreateKeyAsync(server.Root, "k", "internal");

        using var response = await server.Root.GetAsync("/v1/reports/residency?key=alias/k", Ct);

        Assert.Contains("without an audit log", await ProblemAsync(response, HttpStatusCode.Conflict), StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Rows(JsonElement rows) =>
        rows.EnumerateArray().ToDictionary(r => r.TryGetProperty("value", out var v) ? v.GetString()! : "(none)");

    private static (long Count, long Allowed, long Denied, string Operations) Row(JsonElement row) =>
        (row.GetProperty("count").GetInt64(), row.GetProperty("allowed").GetInt64(), row.GetProperty("denied").GetInt64(),
         string.Join(",", row.GetProperty("operations").EnumerateObject().Select(o => $"{o.Name}={o.Value.GetInt64()}")));

    private static int Index(JsonNode rows, string value) => rows.AsArray().Select((r, i) => (r, i)).Single(x => x.r!["value"]!.GetValue<string>() == value).i;

    /// <summary>The checkpoint note with one line of its text changed (the signature no longer covers it).</summary>
    private static string EditCheckpoint(string note, int line, Func<string, string> edit)
    {
        var lines = note.Split('\n');
        lines[line] = edit(lines[line]);
        return string.Join('\n', lines);
    }

    /// <summary>A valid log key of another log.</summary>
    private static string OtherLogKey()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var verifier = new Custos.Crypto.Transparency.EcdsaP256NoteVerifier("custos/other", ecdsa.ExportSubjectPublicKeyInfo());
        return verifier.VerifierKey;
    }
}
