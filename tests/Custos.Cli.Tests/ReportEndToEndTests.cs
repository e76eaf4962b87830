using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// The residency report end to end, with real processes: a dev server (audit log on) where a key is created, used by a key
/// user, refused to a key administrator and rotated; `custos report residency` writes the JSON and the HTML page;
/// `custos report verify` passes offline (the server stopped), against the log key's fingerprint too, and fails on an
/// edited copy naming what differs.
/// </summary>
public sealed class ReportEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly int _port = Repo.FreePort();
    private CustosProcess _server = null!;
    private CliRunner _root = null!;
    private string _rootToken = "";

    private string DevDir => _dir.File(".custos-dev");

    public async ValueTask InitializeAsync()
    {
        _server = await CustosProcess.StartDevAsync(DevDir, _port);
        _rootToken = JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _root = new CliRunner(_server.Address, _server.CaCert, _rootToken, _dir.Path);
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_report_is_written_as_json_and_html_verifies_offline_and_an_edited_copy_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = _server.Client(_rootToken);
        async Task<string> TokenAsync(string name, string role)
        {
            using var r = await root.PostAsJsonAsync("v1/tokens", new { name, roles = new[] { role } }, ct);
            return (await r.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;
        }
        using var alice = _server.Client(await TokenAsync("alice", "key-user"));
        using var carol = _server.Client(await TokenAsync("carol", "key-admin"));
        const string owner = "<script>alert('x')</script> & Co";
        using (var created = await root.PostAsJsonAsync("v1/keys", new { alias = "payroll", owner, allowedJurisdictions = new[] { "EU" } }, ct))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var encrypted = await alice.PostAsJsonAsync("v1/keys/alias/payroll/encrypt", new { plaintext = "aGVsbG8=" }, ct);
        var blob = (await encrypted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("ciphertextBlob").GetString();
        using (var refused = await carol.PostAsJsonAsync("v1/decrypt", new { ciphertextBlob = blob }, ct)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        (await _root.RunInProcessAsync("keys", "rotate", "alias/payroll")).Ok();
        var logKey = (await root.GetFromJsonAsync<JsonElement>("v1/audit/checkpoint", ct)).GetProperty("verifierKey").GetString()!;
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(logKey)));

        var overview = await _root.RunAsync("report", "overview", "--out", "overview.json", "--out", "overview.html");
        var made = await _root.RunAsync("report", "residency", "--key", "alias/payroll", "--out", "r.json", "--out", "r.html");
        _server.Kill(); // everything from here on is offline
        var offline = new CliRunner("https://127.0.0.1:9", _server.CaCert, "", _dir.Path);
        var verified = await offline.RunAsync("report", "verify", "r.json");
        var pinned = await offline.RunAsync("report", "verify", "r.json", "--expect-fingerprint", "sha256:" + fingerprint);
        var wrongPin = await offline.RunAsync("report", "verify", "r.json", "--expect-fingerprint", new string('a', 64));
        var report = JsonNode.Parse(await File.ReadAllTextAsync(_dir.File("r.json"), ct))!;
        report["findings"]!["access"]!["denied"] = 0;
        await File.WriteAllTextAsync(_dir.File("edited.json"), report.ToJsonString(), ct);
        var edited = await offline.RunAsync("report", "verify", "edited.json");
        var missing = await offline.RunAsync("report", "verify", "nothing.json");

        Assert.StartsWith("Residency overview: 1 key(s), 1 comply, 0 out of policy; material in DE (1).", overview.Ok(), StringComparison.Ordinal);
        var overviewPage = await File.ReadAllTextAsync(_dir.File("overview.html"), ct);
        Assert.Contains("Every key complies with residency on this node.", overviewPage, StringComparison.Ordinal);
        Assert.Contains("<b>alias/payroll</b>", overviewPage, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Keys by country holding their material\"", overviewPage, StringComparison.Ordinal);
        Assert.Equal("custos-residency-overview/1", JsonNode.Parse(await File.ReadAllTextAsync(_dir.File("overview.json"), ct))!["format"]!.GetValue<string>());
        Assert.Contains("Residency report of key ", made.Ok(), StringComparison.Ordinal);
        Assert.Contains($"Log key fingerprint: sha256:{fingerprint}", made.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 access(es) (1 denied, 0 failed)", made.Stdout, StringComparison.Ordinal);
        Assert.Contains("residency report VALID: key ", verified.Ok(), StringComparison.Ordinal);
        Assert.Contains($"log key fingerprint: sha256:{fingerprint}", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("WARNING: the report was checked against the log key IT CARRIES", verified.Stderr, StringComparison.Ordinal);
        Assert.Contains("log key: the one given to check against", pinned.Ok(), StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", pinned.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, wrongPin.ExitCode);
        Assert.Contains($"the report's log key has fingerprint {fingerprint}, not the expected {new string('a', 64)}", wrongPin.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("custos: residency report INVALID: findings.access.denied: the report states 0, the events give 1", edited.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);

        var html = await File.ReadAllTextAsync(_dir.File("r.html"), ct);
        var keyId = report["statement"]!["key"]!["id"]!.GetValue<string>();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains(keyId, html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chain\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains(fingerprint, html, StringComparison.Ordinal);
        Assert.Contains("data.decrypt", html, StringComparison.Ordinal);
        Assert.Contains("0/default-deny", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_usage_errors_and_a_refused_report_says_why()
    {
        (await _root.RunInProcessAsync("keys", "create", "--alias", "k")).Ok();

        var badOut = await _root.RunInProcessAsync("report", "residency", "--key", "alias/k", "--out", _dir.File("r.pdf"));
        var unknown = await _root.RunInProcessAsync("report", "residency", "--key", "alias/none", "--out", _dir.File("r.json"));

        Assert.Equal(2, badOut.ExitCode);
        Assert.Contains($"--out '{_dir.File("r.pdf")}': write FILE.json (the verifiable report) or FILE.html (for people)", badOut.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("alias/none", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("[not-found]", unknown.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("r.json")));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.part", SearchOption.AllDirectories));
    }
}
