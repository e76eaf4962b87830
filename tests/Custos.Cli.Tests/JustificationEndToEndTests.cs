using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Audit;

namespace Custos.Cli.Tests;

/// <summary>
/// <c>--justification</c> and <c>--reason</c> end to end: the CLI sends them, the dev server (audit log on)
/// records them with the data-plane events; a bad code or a lone --reason fails before anything is sent.
/// </summary>
public sealed class JustificationEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    private string DevDir => _dir.File(".custos-dev");

    public async ValueTask InitializeAsync()
    {
        _server = await CustosProcess.StartDevAsync(DevDir, Repo.FreePort(), "--audit-log");
        var token = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _cli = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
        (await _cli.RunInProcessAsync("keys", "create", "--alias", "justified")).Ok();
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private List<AuditEvent> Events(string operation) =>
        RawAuditLog.FromDatabase(Path.Combine(DevDir, "custos.db")).Events
            .Select(e => AuditEvent.FromLeafData(e.Data)!).Where(e => e.Operation == operation).ToList();

    [Fact]
    public async Task Encrypt_and_decrypt_send_the_justification_and_the_audit_events_carry_it()
    {
        File.WriteAllText(_dir.File("plain.txt"), "hello");
        (await _cli.RunInProcessAsync("encrypt", "--key", "alias/justified", "--in", _dir.File("plain.txt"), "--out", _dir.File("plain.cus"),
            "--justification", "scheduled-job")).Ok();
        (await _cli.RunInProcessAsync("decrypt", "--in", _dir.File("plain.cus"), "--out", _dir.File("plain.out"),
            "--justification", "customer-initiated-support", "--reason", "Case 4711")).Ok();
        Assert.Equal("hello", File.ReadAllText(_dir.File("plain.out")));

        var encrypt = Assert.Single(Events("data.generate-data-key"));
        Assert.Equal(("scheduled-job", (string?)null), (encrypt.Justification, encrypt.JustificationText));
        var decrypt = Assert.Single(Events("data.decrypt"));
        Assert.Equal(("customer-initiated-support", "Case 4711"), (decrypt.Justification, decrypt.JustificationText));
        Assert.Equal(AuditOutcome.Allowed, decrypt.Outcome);
    }

    [Fact]
    public async Task Justifications_lists_the_codes_and_a_bad_code_or_a_lone_reason_fails_before_sending()
    {
        var list = (await _cli.RunInProcessAsync("justifications")).Ok();
        foreach (var c in Core.Access.Justification.Codes) Assert.Contains(c.Code, list, StringComparison.Ordinal);

        var before = RawAuditLog.FromDatabase(Path.Combine(DevDir, "custos.db")).Events.Count;
        var bad = await _cli.RunInProcessAsync("data-key", "--key", "alias/justified", "--justification", "curiosity");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'curiosity' is not a published justification code", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("scheduled-job", bad.Stderr, StringComparison.Ordinal);

        var lone = await _cli.RunInProcessAsync("data-key", "--key", "alias/justified", "--reason", "because");
        Assert.Equal(2, lone.ExitCode);
        Assert.Contains("--reason needs --justification", lone.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, RawAuditLog.FromDatabase(Path.Combine(DevDir, "custos.db")).Events.Count); // nothing was sent

        var good = await _cli.RunInProcessAsync("data-key", "--key", "alias/justified", "--justification", "emergency", "--reason", "INC-9");
        good.Ok();
        Assert.Equal(("emergency", "INC-9"), (Events("data.generate-data-key")[^1].Justification, Events("data.generate-data-key")[^1].JustificationText));
    }
}
