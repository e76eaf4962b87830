using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// The audit ledger end to end, with real processes: a dev server with the audit log on, `custos audit
/// verify` live, export and offline `verify --bundle`, a witness that cosigns, and edits made to the
/// database and to exported bundles behind Custos' back that `audit verify` (live and --bundle) detects and names.
/// </summary>
public sealed class AuditEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    private readonly int _port = Repo.FreePort();

    private string DevDir => _dir.File(".custos-dev");
    private string Db => _dir.File(".custos-dev/custos.db");

    public async ValueTask InitializeAsync()
    {
        _server = await CustosProcess.StartDevAsync(DevDir, _port, "--audit-log");
        var token = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _cli = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
        (await _cli.RunInProcessAsync("keys", "create", "--alias", "audited")).Ok();
        for (int i = 0; i < 3; i++) (await _cli.RunInProcessAsync("keys", "rotate", "alias/audited")).Ok();
        (await _cli.RunInProcessAsync("data-key", "--key", "alias/audited")).Ok();
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_live_log_verifies_exports_to_a_bundle_that_verifies_offline_and_a_witness_cosigns()
    {
        var verify = (await _cli.RunInProcessAsync("audit", "verify")).Ok();
        Assert.Contains("audit log verified", verify, StringComparison.Ordinal);

        var bundle = _dir.File("bundle");
        (await _cli.RunInProcessAsync("audit", "export", "--out", bundle)).Ok();
        Assert.True(File.Exists(Path.Combine(bundle, "events.jsonl")));
        var offline = await new CliRunner("https://127.0.0.1:9", _server.CaCert, "", _dir.Path).RunInProcessAsync("audit", "verify", "--bundle", bundle);
        Assert.Contains("verified", offline.Ok(), StringComparison.Ordinal);

        var state = _dir.File("witness");
        var witness = await _cli.RunAsync("audit", "witness", "--server", _server.Address, "--state", state, "--once", "--cacert", _server.CaCert);
        Assert.True(witness.ExitCode == 0, witness.Stderr + witness.Stdout);
        (await _cli.RunInProcessAsync("keys", "rotate", "alias/audited")).Ok();
        await Task.Delay(100);
        (await _cli.RunInProcessAsync("audit", "verify")).Ok(); // makes the server sign a newer checkpoint
        var again = await _cli.RunAsync("audit", "witness", "--server", _server.Address, "--state", state, "--once", "--cacert", _server.CaCert);
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
    }

    /// <summary>
    /// Each tampering in the list, made twice: to the database behind the server's back (then `audit verify`
    /// live and a new `audit export` must refuse), and to a bundle exported before it (then `audit verify --bundle`
    /// must refuse) — each time naming the same first bad event (or the re-signed checkpoint). Edits that move the end
    /// of the log or that the server must sign over are made with the server stopped, then it is started again on them.
    /// </summary>
    [Theory]
    [InlineData("changed", false, "event 3: leaf hash does not match its data")]
    [InlineData("deleted", false, "event 3: missing")]
    [InlineData("swapped", false, "event 3: its data says index 4: events missing or reordered from event 3")]
    [InlineData("inserted", true, "event 4: its data says index 3: 1 event(s) inserted at or after event 3")]
    [InlineData("truncated", false, "")] // live: "event 3: missing" (the server kept appending); bundle: "events end at 3"
    [InlineData("re-signed", false, "not signed by the log key")]
    [InlineData("forked", true, "event 4: hash chain broken (previous does not match event 3; event 3 or 4 was altered)")]
    public async Task Each_tampering_is_detected_live_and_in_an_exported_bundle_naming_the_first_bad_event(string what, bool serverStopped, string problem)
    {
        (await _cli.RunInProcessAsync("audit", "verify")).Ok(); // a checkpoint covering every event so far
        var bundle = _dir.File("bundle");
        (await _cli.RunInProcessAsync("audit", "export", "--out", bundle)).Ok();

        if (serverStopped) _server.Dispose();
        var stored = RawAuditLog.FromDatabase(Db);
        string namedLive = AuditTampering.Apply(what, stored);
        stored.SaveToDatabase(Db);
        if (serverStopped) _server = await CustosProcess.StartDevAsync(DevDir, _port, "--audit-log");

        var live = await _cli.RunInProcessAsync("audit", "verify");
        AssertRefused(live, $"{what}, live", problem, namedLive);
        var evidence = await _cli.RunInProcessAsync("audit", "export", "--out", _dir.File("evidence"));
        AssertRefused(evidence, $"{what}, export after the edit", problem, namedLive);

        var exported = RawAuditLog.FromBundle(bundle);
        string namedBundle = AuditTampering.Apply(what, exported);
        exported.SaveToBundle(bundle);
        var offline = await new CliRunner("https://127.0.0.1:9", _server.CaCert, "", _dir.Path).RunInProcessAsync("audit", "verify", "--bundle", bundle);
        AssertRefused(offline, $"{what}, bundle", problem, namedBundle);
    }

    private static void AssertRefused(CliResult r, string what, string problem, string named)
    {
        Assert.True(r.ExitCode == 1, $"{what}: exit {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.True(r.Stderr.Contains("audit log INVALID: ", StringComparison.Ordinal)
            && r.Stderr.Contains(problem, StringComparison.Ordinal)
            && r.Stderr.Contains(named, StringComparison.Ordinal),
            $"{what}: expected '{problem}' naming '{named}', got: {r.Stderr}");
    }
}
