using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// <c>custos keys create --custody threshold ...</c> and <c>custos keys reshare</c> reach the server with their parameters.
/// The dev server has no custodians, so both end in its explanation of that: which proves the fields were sent (without
/// them the server asks for them instead). Threshold keys themselves are tested through the API with in-process custodians.
/// </summary>
public sealed class ThresholdCommandsTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    public async ValueTask InitializeAsync()
    {
        var dev = _dir.File(".custos-dev");
        _server = await CustosProcess.StartDevAsync(dev, Repo.FreePort());
        var token = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dev, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _cli = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Create_sends_k_custodians_and_min_jurisdictions()
    {
        var without = await _cli.RunInProcessAsync("keys", "create", "--custody", "threshold");
        var with = await _cli.RunInProcessAsync("keys", "create", "--custody", "threshold", "--threshold", "2", "--custodians", "a, b,c", "--min-jurisdictions", "2");

        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("needs 'threshold'", without.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, with.ExitCode);
        Assert.Contains("custody 'threshold' is not configured on this server", with.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reshare_posts_to_the_versions_reshare_endpoint()
    {
        var key = System.Text.Json.JsonDocument.Parse((await _cli.RunInProcessAsync("--json", "keys", "create")).Ok()).RootElement.GetProperty("id").GetString()!;

        var result = await _cli.RunInProcessAsync("keys", "reshare", key, "--version", "1", "--threshold", "3", "--custodians", "a,b,c");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("custody 'threshold' is not configured on this server", result.Stderr, StringComparison.Ordinal);
    }
}
