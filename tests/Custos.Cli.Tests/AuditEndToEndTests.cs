using Custos.Cli.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests;

/// <summary>
/// The audit ledger end to end, with real processes: a dev server with the audit log on, `custos audit
/// verify` live, export and offline `verify --bundle`, a witness that cosigns, and edits made to the
/// database behind Custos' back that `audit verify` detects and names.
/// </summary>
public sealed class AuditEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    private string Db => _dir.File(".custos-dev/custos.db");

    public async ValueTask InitializeAsync()
    {
        var devDir = _dir.File(".custos-dev");
        _server = await CustosProcess.StartDevAsync(devDir, Repo.FreePort(), "--audit-log");
        var token = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(devDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
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

    private void Sql(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand(sql, c);
        cmd.ExecuteNonQuery();
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

    [Theory]
    [InlineData("changed", "UPDATE audit_events SET event = CAST(replace(CAST(event AS TEXT), 'key.rotate', 'key.enable') AS BLOB) WHERE idx = 3", "3")]
    [InlineData("deleted", "DELETE FROM audit_events WHERE idx = 3", "3")]
    [InlineData("truncated", "DELETE FROM audit_events WHERE idx >= 3", "3")]
    [InlineData("swapped", "UPDATE audit_events SET idx = -1 WHERE idx = 3; UPDATE audit_events SET idx = 3 WHERE idx = 4; UPDATE audit_events SET idx = 4 WHERE idx = -1", "3")]
    [InlineData("re-signed", "UPDATE audit_checkpoints SET note = replace(note, '— custos/', '— other/')", "not signed by the log key")]
    public async Task Edits_behind_Custos_back_are_detected_and_the_first_bad_index_named(string what, string sql, string named)
    {
        (await _cli.RunInProcessAsync("audit", "verify")).Ok(); // a checkpoint covering every event so far
        Sql(sql);
        var r = await _cli.RunInProcessAsync("audit", "verify");
        Assert.True(r.ExitCode == 1, $"{what}: exit {r.ExitCode} {r.Stdout}");
        Assert.Contains("INVALID", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(named, r.Stderr, StringComparison.Ordinal);
    }
}
