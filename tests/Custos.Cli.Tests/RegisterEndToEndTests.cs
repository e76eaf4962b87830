using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// `custos register` and residency against `custos dev --country FR` (a real server process): the dev placeholder
/// entry, putting a provider from YAML, showing it in a form that puts again unchanged, refusing to delete the
/// node's operator, and a key that may not live in France refused with the explanation.
/// </summary>
public sealed class RegisterEndToEndTests() : DevServerTest("--country FR")
{
    private const string Acme = """
        # An HSM service in Paris.
        id: acme-hsm
        legalName: Acme HSM SAS
        headquartersCountry: FR
        dpa: { date: 2025-03-01, reference: DPA-2025-17 }
        auditRights: true
        lawEnforcement: { notify: true, contest: true, process: "https://acme.example/le" }
        subprocessors:
          - { name: Colo SA, country: FR, service: data centre }
        certifications: { fips140Level: 3, commonCriteria: "EAL4+", iso27001: true }
        euOnlyStaffing: true
        """;

    [Fact]
    public async Task Providers_are_put_from_yaml_shown_listed_and_the_nodes_operator_cannot_be_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Contains("Location:   FR (dev machine), operated by 'self-hosted-dev'", Server.Output, StringComparison.Ordinal);
        var file = Dir.File("acme.yaml");
        await File.WriteAllTextAsync(file, Acme, ct);

        Assert.Equal("Provider 'acme-hsm' put in the legal register.\n", (await Root.RunInProcessAsync("register", "put", file)).Ok());
        var list = (await Root.RunInProcessAsync("register", "list")).Ok();
        var shown = (await Root.RunInProcessAsync("register", "show", "acme-hsm")).Ok();
        var again = Dir.File("again.yaml");
        await File.WriteAllTextAsync(again, shown, ct);
        (await Root.RunInProcessAsync("register", "put", again)).Ok();
        var json = JsonDocument.Parse((await Root.RunInProcessAsync("register", "show", "acme-hsm", "--json")).Ok()).RootElement;
        var deleteDev = await Root.RunInProcessAsync("register", "delete", "self-hosted-dev");

        Assert.Matches(@"acme-hsm\s+Acme HSM SAS\s+FR\s+yes\s+3\s+-", list);
        Assert.Matches(@"self-hosted-dev\s+\(dev\) Self-hosted \(dev mode.*\s+FR\s+no\s+-\s+node '", list);
        Assert.Contains("fips140Level: 3", shown, StringComparison.Ordinal);
        Assert.Contains("date: 2025-03-01", shown, StringComparison.Ordinal);
        Assert.Equal("EAL4+", json.GetProperty("provider").GetProperty("certifications").GetProperty("commonCriteria").GetString());
        Assert.Equal(1, deleteDev.ExitCode);
        Assert.Contains("provider 'self-hosted-dev' operates node '", deleteDev.Stderr, StringComparison.Ordinal);
        Assert.Contains("[conflict]", deleteDev.Stderr, StringComparison.Ordinal);
        Assert.Equal("Provider 'acme-hsm' deleted from the legal register.\n", (await Root.RunInProcessAsync("register", "delete", "acme-hsm")).Ok());
    }

    [Fact]
    public async Task A_bad_provider_file_is_a_usage_error_and_a_bad_entry_names_the_member()
    {
        var ct = TestContext.Current.CancellationToken;
        var noId = Dir.File("noid.yaml");
        await File.WriteAllTextAsync(noId, "legalName: Nobody\nheadquartersCountry: DE\n", ct);
        var badCountry = Dir.File("bad.yaml");
        await File.WriteAllTextAsync(badCountry, "id: bad\nlegalName: Bad\nheadquartersCountry: Germany\n", ct);

        var missingId = await Root.RunInProcessAsync("register", "put", noId);
        var refused = await Root.RunInProcessAsync("register", "put", badCountry);
        var missingFile = await Root.RunInProcessAsync("register", "put", Dir.File("nope.yaml"));

        Assert.Equal((2, "custos: noid.yaml has no 'id': say which provider it is\n"), (missingId.ExitCode, missingId.Stderr));
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("custos: provider 'bad': 'headquartersCountry' 'Germany' is not an ISO 3166-1 alpha-2 country code [validation-failed]\n", refused.Stderr);
        Assert.Equal(2, missingFile.ExitCode);
    }

    [Fact]
    public async Task A_key_that_may_not_live_where_the_dev_node_is_is_refused_with_the_explanation()
    {
        var refused = await Root.RunInProcessAsync("keys", "create", "--alias", "berlin-only", "--jurisdiction", "DE");
        var allowed = await Root.RunInProcessAsync("keys", "create", "--alias", "eu", "--jurisdiction", "EU");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("new key alias/berlin-only (confidential): the key's allowedJurisdictions allows DE, but node '", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("(holding the software keystore) is in FR [residency-violation]", refused.Stderr, StringComparison.Ordinal);
        allowed.Ok();
    }
}
