using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// `custos register` and residency against `custos dev --country FR` (a real server process): the dev placeholder
/// entry, putting a provider from YAML, showing it in a form that puts again unchanged, refusing to delete the
/// node's operator, and a key that may not live in France refused with the explanation.
/// </summary>
public sealed class RegisterEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly int _port = Repo.FreePort();
    private CustosProcess _server = null!;
    private CliRunner _root = null!;

    private string DevDir => _dir.File(".custos-dev");

    public async ValueTask InitializeAsync()
    {
        _server = await CustosProcess.StartDevAsync(DevDir, _port, "--country FR");
        var token = JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _root = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

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
        Assert.Contains("Location:   FR (dev machine), operated by 'self-hosted-dev'", _server.Output, StringComparison.Ordinal);
        var file = _dir.File("acme.yaml");
        await File.WriteAllTextAsync(file, Acme, ct);

        Assert.Equal("Provider 'acme-hsm' put in the legal register.\n", (await _root.RunInProcessAsync("register", "put", file)).Ok());
        var list = (await _root.RunInProcessAsync("register", "list")).Ok();
        var shown = (await _root.RunInProcessAsync("register", "show", "acme-hsm")).Ok();
        var again = _dir.File("again.yaml");
        await File.WriteAllTextAsync(again, shown, ct);
        (await _root.RunInProcessAsync("register", "put", again)).Ok();
        var json = JsonDocument.Parse((await _root.RunInProcessAsync("register", "show", "acme-hsm", "--json")).Ok()).RootElement;
        var deleteDev = await _root.RunInProcessAsync("register", "delete", "self-hosted-dev");

        Assert.Matches(@"acme-hsm\s+Acme HSM SAS\s+FR\s+yes\s+3\s+-", list);
        Assert.Matches(@"self-hosted-dev\s+\(dev\) Self-hosted \(dev mode.*\s+FR\s+no\s+-\s+node '", list);
        Assert.Contains("fips140Level: 3", shown, StringComparison.Ordinal);
        Assert.Contains("date: 2025-03-01", shown, StringComparison.Ordinal);
        Assert.Equal("EAL4+", json.GetProperty("provider").GetProperty("certifications").GetProperty("commonCriteria").GetString());
        Assert.Equal(1, deleteDev.ExitCode);
        Assert.Contains("provider 'self-hosted-dev' operates node '", deleteDev.Stderr, StringComparison.Ordinal);
        Assert.Contains("[conflict]", deleteDev.Stderr, StringComparison.Ordinal);
        Assert.Equal("Provider 'acme-hsm' deleted from the legal register.\n", (await _root.RunInProcessAsync("register", "delete", "acme-hsm")).Ok());
    }

    [Fact]
    public async Task A_bad_provider_file_is_a_usage_error_and_a_bad_entry_names_the_member()
    {
        var ct = TestContext.Current.CancellationToken;
        var noId = _dir.File("noid.yaml");
        await File.WriteAllTextAsync(noId, "legalName: Nobody\nheadquartersCountry: DE\n", ct);
        var badCountry = _dir.File("bad.yaml");
        await File.WriteAllTextAsync(badCountry, "id: bad\nlegalName: Bad\nheadquartersCountry: Germany\n", ct);

        var missingId = await _root.RunInProcessAsync("register", "put", noId);
        var refused = await _root.RunInProcessAsync("register", "put", badCountry);
        var missingFile = await _root.RunInProcessAsync("register", "put", _dir.File("nope.yaml"));

        Assert.Equal((2, "custos: noid.yaml has no 'id': say which provider it is\n"), (missingId.ExitCode, missingId.Stderr));
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("custos: provider 'bad': 'headquartersCountry' 'Germany' is not an ISO 3166-1 alpha-2 country code [validation-failed]\n", refused.Stderr);
        Assert.Equal(2, missingFile.ExitCode);
    }

    [Fact]
    public async Task A_key_that_may_not_live_where_the_dev_node_is_is_refused_with_the_explanation()
    {
        var refused = await _root.RunInProcessAsync("keys", "create", "--alias", "berlin-only", "--jurisdiction", "DE");
        var allowed = await _root.RunInProcessAsync("keys", "create", "--alias", "eu", "--jurisdiction", "EU");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("new key alias/berlin-only (confidential): the key's allowedJurisdictions allows DE, but node '", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("(holding the software keystore) is in FR [residency-violation]", refused.Stderr, StringComparison.Ordinal);
        allowed.Ok();
    }
}
