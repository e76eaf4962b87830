using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// Quorum approvals as users run them: `custos dev`, approvers make their keys with `approvals keygen`,
/// get tokens with `tokens create --approval-key`, and approve with `approvals approve ID --key FILE`
/// (the CLI fetches the statement, signs it locally, sends only the signature); the refused decrypt then works.
/// </summary>
public sealed partial class ApprovalsEndToEndTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _root = null!;

    public async ValueTask InitializeAsync()
    {
        var devDir = _dir.File(".custos-dev");
        _server = await CustosProcess.StartDevAsync(devDir, Repo.FreePort());
        var env = File.ReadAllLines(Path.Combine(devDir, "env"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1].Trim('\''));
        _root = new CliRunner(env["CUSTOS_ADDR"], env["CUSTOS_CACERT"], env["CUSTOS_TOKEN"], _dir.Path);
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<CliRunner> TokenAsync(string name, string role, string? group = null, string? approvalKey = null)
    {
        var args = new List<string> { "tokens", "create", "--name", name, "--role", role, "--json" };
        if (group is not null) args.AddRange(["--group", group]);
        if (approvalKey is not null) args.AddRange(["--approval-key", approvalKey]);
        var token = JsonDocument.Parse((await _root.RunInProcessAsync([.. args])).Ok()).RootElement;
        if (approvalKey is not null) Assert.Equal(64, token.GetProperty("approvalKeySha256").GetString()!.Length);
        return _root.WithToken(token.GetProperty("token").GetString()!);
    }

    /// <summary>Puts a policy in force through the policy API: one security officer proposes, another approves.</summary>
    private async Task ActivatePolicyAsync()
    {
        var so1 = await TokenAsync("so1", "security-officer");
        var so2 = await TokenAsync("so2", "security-officer");
        var document = new
        {
            rules = new object[]
            {
                new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
                new { id = "officers", roles = new[] { "security-officer" }, operations = new[] { "administer", "read-audit", "read" } },
                new { id = "users-read", roles = new[] { "key-user" }, operations = new[] { "read", "encrypt", "generate-data-key" } },
                new
                {
                    id = "users-decrypt-restricted", roles = new[] { "key-user" }, operations = new[] { "decrypt" },
                    keys = new { classifications = new[] { "restricted" } }, approvals = new { count = 2, group = "payments-approvers" },
                },
                new { id = "approvers-approve", roles = new[] { "approver" }, operations = new[] { "approve", "read" } },
            },
        };
        using var proposer = _server.Client(so1.Token);
        using var proposed = await proposer.PostAsJsonAsync("v1/policy", new { document, comment = "payroll needs two approvers" }, Ct);
        Assert.True(proposed.IsSuccessStatusCode, await proposed.Content.ReadAsStringAsync(Ct));
        var version = JsonDocument.Parse(await proposed.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("version").GetInt32();
        using var approver = _server.Client(so2.Token);
        using var approved = await approver.PostAsync($"v1/policy/versions/{version}/approve", null, Ct);
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_restricted_decrypt_is_refused_until_two_approvers_sign_with_approvals_approve_key()
    {
        (await _root.RunAsync("approvals", "keygen", "--out", _dir.File("a1"))).Ok();
        var keygen = (await _root.RunAsync("approvals", "keygen", "--out", _dir.File("a2"))).Ok();
        Assert.Contains("approval-key.pem", keygen, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("a2/approval-key.pem")));
        Assert.Equal(2, (await _root.RunAsync("approvals", "keygen", "--out", _dir.File("a2"))).ExitCode); // never overwrites a key
        var leaked = await _root.RunInProcessAsync("tokens", "create", "--name", "oops", "--role", "approver", "--approval-key", _dir.File("a1/approval-key.pem"));
        Assert.Equal(2, leaked.ExitCode);
        Assert.Contains("PRIVATE key", leaked.Stderr, StringComparison.Ordinal);

        var a1 = await TokenAsync("a1", "approver", "payments-approvers", _dir.File("a1/approval-key.pub.pem"));
        var a2 = await TokenAsync("a2", "approver", "payments-approvers", _dir.File("a2/approval-key.pub.pem"));
        var app = await TokenAsync("app", "key-user");
        await ActivatePolicyAsync();
        (await _root.RunInProcessAsync("keys", "create", "--alias", "payroll", "--classification", "restricted")).Ok();
        File.WriteAllText(_dir.File("salaries.csv"), "alice,100\n");
        (await app.RunAsync("encrypt", "--key", "alias/payroll", "--in", _dir.File("salaries.csv"), "--out", _dir.File("salaries.cus"), "--context", "dept=hr")).Ok();

        var refused = await app.RunAsync("decrypt", "--in", _dir.File("salaries.cus"), "--out", _dir.File("out.csv"), "--context", "dept=hr");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("[approval-required]", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out.csv")));
        var id = ApprovalId().Match(refused.Stderr).Value;
        Assert.StartsWith("apr_", id, StringComparison.Ordinal);

        var forMe = (await a1.RunAsync("approvals", "list", "--for-me")).Ok();
        Assert.Contains(id, forMe, StringComparison.Ordinal);
        var shown = (await a1.RunAsync("approvals", "show", id)).Ok();
        Assert.Contains("custos-approval/v1", shown, StringComparison.Ordinal);
        Assert.Contains("decision approve", shown, StringComparison.Ordinal);

        var wrongKey = await a2.RunAsync("approvals", "approve", id, "--key", _dir.File("a1/approval-key.pem"));
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("the signature does not verify", wrongKey.Stderr, StringComparison.Ordinal);
        var publicKey = await a2.RunAsync("approvals", "approve", id, "--key", _dir.File("a2/approval-key.pub.pem"));
        Assert.Equal(2, publicKey.ExitCode);
        Assert.Contains("private key", publicKey.Stderr, StringComparison.Ordinal);

        var first = (await a1.RunAsync("approvals", "approve", id, "--key", _dir.File("a1/approval-key.pem"), "--reason", "payroll run")).Ok();
        Assert.Contains("pending (1 of 2", first, StringComparison.Ordinal);
        var self = await app.RunAsync("approvals", "approve", id, "--key", _dir.File("a1/approval-key.pem"));
        Assert.Equal(1, self.ExitCode);
        Assert.Contains("nobody approves their own request", self.Stderr, StringComparison.Ordinal);
        var second = (await a2.RunAsync("approvals", "approve", id, "--key", _dir.File("a2/approval-key.pem"))).Ok();
        Assert.Contains("approved (2 of 2", second, StringComparison.Ordinal);
        Assert.Contains("Grant:      grt_", second, StringComparison.Ordinal);

        (await app.RunAsync("decrypt", "--in", _dir.File("salaries.cus"), "--out", _dir.File("out.csv"), "--context", "dept=hr")).Ok();
        Assert.Equal("alice,100\n", File.ReadAllText(_dir.File("out.csv")));
        var grants = (await a1.RunAsync("grants", "list")).Ok();
        Assert.Contains("live", grants, StringComparison.Ordinal);
    }

    [GeneratedRegex("apr_[0-9a-f]{24}")]
    private static partial Regex ApprovalId();
}
