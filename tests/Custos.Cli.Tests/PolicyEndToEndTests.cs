using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// `custos policy` against a dev server: one security officer proposes a YAML policy, it is not in force,
/// the author cannot approve it, a second officer does, and `policy explain` names the deciding rule.
/// </summary>
public sealed class PolicyEndToEndTests : DevServerTest
{
    private async Task<(string Id, CliRunner Cli)> TokenAsync(string name, params string[] roles)
    {
        var args = new List<string> { "tokens", "create", "--name", name, "--json" };
        foreach (var r in roles) { args.Add("--role"); args.Add(r); }
        var json = JsonDocument.Parse((await Root.RunInProcessAsync([.. args])).Ok()).RootElement;
        return (json.GetProperty("id").GetString()!, Root.WithToken(json.GetProperty("token").GetString()!));
    }

    private const string Policy = """
        # Payments: key users in group payments may use payments keys during office hours with a reason.
        rules:
          - id: root
            roles: [root]
            operations: ["*"]
          - id: officers
            roles: [security-officer]
            operations: [administer, read-audit, read]
          - id: payments-office-hours
            description: "payments team, weekdays, with a justification"
            roles: [key-user]
            operations: [data]
            keys:
              aliases: ["payments-*"]
            conditions:
              justifications:
                require: [scheduled-job, customer-initiated-access]
              time: { days: [mon, tue, wed, thu, fri], from: "07:00", to: "19:00", timeZone: Europe/Berlin }
        """;

    [Fact]
    public async Task A_yaml_policy_is_in_force_only_after_a_second_officer_approves_and_explain_names_the_rule()
    {
        (await Root.RunInProcessAsync("keys", "create", "--alias", "payments-eu")).Ok();
        var (appId, _) = await TokenAsync("payments-app", "key-user");
        var (_, alice) = await TokenAsync("alice", "security-officer");
        var (_, bob) = await TokenAsync("bob", "security-officer");
        var file = Dir.File("policy.yaml");
        await File.WriteAllTextAsync(file, Policy, TestContext.Current.CancellationToken);

        var proposed = (await alice.RunInProcessAsync("policy", "propose", file, "--comment", "payments hours")).Ok();
        Assert.Contains("Policy version 1 proposed", proposed);
        Assert.Contains("NOT in force", proposed);

        var own = await alice.RunInProcessAsync("policy", "approve", "1");
        Assert.NotEqual(0, own.ExitCode);
        Assert.Contains("a second security officer must", own.Stderr);

        // Reviewing the pending version: explain by it before approving.
        var pendingExplain = await bob.RunInProcessAsync("policy", "explain", "--principal", $"token:{appId}", "--operation", "decrypt",
            "--key", "alias/payments-eu", "--justification", "scheduled-job", "--at", "2026-12-07T10:00:00+01:00", "--version", "1");
        Assert.Equal(0, pendingExplain.ExitCode);
        Assert.Contains("Decision: ALLOW by rule 'payments-office-hours' (policy version 1)", pendingExplain.Stdout);

        Assert.Contains("Policy version 1 is now in force.", (await bob.RunInProcessAsync("policy", "approve", "1")).Ok());

        var saturday = await bob.RunInProcessAsync("policy", "explain", "--principal", $"token:{appId}", "--operation", "decrypt",
            "--key", "alias/payments-eu", "--justification", "scheduled-job", "--at", "2026-12-05T10:00:00+01:00");
        Assert.Equal(3, saturday.ExitCode);
        Assert.Contains("Decision: DENY by rule 'default-deny' (policy version 1)", saturday.Stdout);
        Assert.Contains("it applies only on mon,tue,wed,thu,fri from 07:00 to 19:00 Europe/Berlin", saturday.Stdout);

        var versions = (await bob.RunInProcessAsync("policy", "versions")).Ok();
        Assert.Contains("active", versions);

        // What 'show' prints is a policy file that proposes again unchanged.
        var shown = (await bob.RunInProcessAsync("policy", "show")).Ok();
        var again = Dir.File("again.yaml");
        await File.WriteAllTextAsync(again, shown, TestContext.Current.CancellationToken);
        (await alice.RunInProcessAsync("policy", "propose", again)).Ok();
        var v1 = JsonDocument.Parse((await bob.RunInProcessAsync("policy", "show", "--version", "1", "--json")).Ok()).RootElement.GetProperty("sha256").GetString();
        var v2 = JsonDocument.Parse((await bob.RunInProcessAsync("policy", "show", "--version", "2", "--json")).Ok()).RootElement.GetProperty("sha256").GetString();
        Assert.Equal(v1, v2);
    }

    [Fact]
    public async Task A_policy_file_with_a_mistake_is_refused_with_where_it_is()
    {
        var (_, alice) = await TokenAsync("alice", "security-officer");
        var broken = Dir.File("broken.yaml");
        await File.WriteAllTextAsync(broken, "rules:\n  - id: x\n    roles: [key-user]\n    operations: [decrpyt]\n", TestContext.Current.CancellationToken);
        var result = await alice.RunInProcessAsync("policy", "propose", broken);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rule 'x': unknown operation 'decrpyt'", result.Stderr);

        await File.WriteAllTextAsync(broken, "rules:\n  - id: x\n   roles: [\n", TestContext.Current.CancellationToken);
        var yaml = await alice.RunInProcessAsync("policy", "propose", broken);
        Assert.Equal(2, yaml.ExitCode);
        Assert.Contains("broken.yaml is not valid YAML: line", yaml.Stderr);
    }
}
