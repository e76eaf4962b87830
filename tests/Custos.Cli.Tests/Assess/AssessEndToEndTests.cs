using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests.Assess;

/// <summary>
/// The policy `custos assess` writes is one Custos accepts: a security officer proposes it to a dev server,
/// a second approves it, and `policy explain` shows its category rules at work.
/// </summary>
public sealed class AssessEndToEndTests : DevServerTest
{
    private async Task<CliRunner> OfficerAsync(string name)
    {
        var json = JsonDocument.Parse((await Root.RunInProcessAsync("tokens", "create", "--name", name, "--role", "security-officer", "--json")).Ok()).RootElement;
        return Root.WithToken(json.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task The_drafted_policy_is_proposed_approved_and_decides_by_its_category_rules()
    {
        var policy = Dir.File("policy.yaml");
        (await Root.RunInProcessAsync("assess", "--in", Path.Combine(Repo.Root, "samples", "assess", "categories.yaml"), "--out", policy)).Ok();
        (await Root.RunInProcessAsync("keys", "create", "--alias", "payment-cards", "--classification", "restricted", "--data-category", "payment-cards", "--jurisdiction", "EU")).Ok();
        var alice = await OfficerAsync("alice");
        var bob = await OfficerAsync("bob");

        var proposed = (await alice.RunInProcessAsync("policy", "propose", policy, "--comment", "from custos assess")).Ok();
        Assert.Contains("Policy version 1 proposed", proposed);

        // The draft's residency rules ask the operator of a restricted key's keystore for a DPA, audit rights and
        // FIPS 140-3 level 3: the dev node's placeholder operator has none, so approving it would strand the key.
        var stranded = await bob.RunInProcessAsync("policy", "approve", "1");
        Assert.NotEqual(0, stranded.ExitCode);
        Assert.Contains("rule 'payment-cards-residency' requires FIPS 140-3 level 3 of provider 'self-hosted-dev'", stranded.Stderr);
        var entry = Dir.File("operator.yaml");
        await File.WriteAllTextAsync(entry, """
            id: self-hosted-dev
            legalName: Example Bank AG (own data centre)
            headquartersCountry: DE
            dpa: { date: 2026-01-15, reference: DPA-internal-1 }
            auditRights: true
            lawEnforcement: { notify: true, contest: true }
            certifications: { fips140Level: 3, iso27001: true }
            euOnlyStaffing: true
            """, TestContext.Current.CancellationToken);
        (await Root.RunInProcessAsync("register", "put", entry)).Ok();
        Assert.Contains("Policy version 1 is now in force.", (await bob.RunInProcessAsync("policy", "approve", "1")).Ok());

        var decrypt = await bob.RunInProcessAsync("policy", "explain", "--role", "key-user", "--group", "payment-cards", "--operation", "decrypt",
            "--key", "alias/payment-cards", "--justification", "customer-initiated-access");
        Assert.Equal(3, decrypt.ExitCode);
        Assert.Contains("Decision: APPROVAL-REQUIRED by rule 'payment-cards-decrypt' (policy version 1)", decrypt.Stdout);
        Assert.Contains("2 approval(s) from group payment-cards-approvers", decrypt.Stdout);

        var encrypt = await bob.RunInProcessAsync("policy", "explain", "--role", "key-user", "--group", "payment-cards", "--operation", "encrypt",
            "--key", "alias/payment-cards", "--justification", "customer-initiated-access");
        Assert.Equal(0, encrypt.ExitCode);
        Assert.Contains("Decision: ALLOW by rule 'payment-cards-encrypt' (policy version 1)", encrypt.Stdout);

        // Without the category's group, a key user may not use the category's keys: 'key-users-use' is not in the draft.
        var outsider = await bob.RunInProcessAsync("policy", "explain", "--role", "key-user", "--operation", "encrypt",
            "--key", "alias/payment-cards", "--justification", "customer-initiated-access");
        Assert.Equal(3, outsider.ExitCode);
        Assert.Contains("Decision: DENY by rule 'default-deny' (policy version 1)", outsider.Stdout);
    }
}
