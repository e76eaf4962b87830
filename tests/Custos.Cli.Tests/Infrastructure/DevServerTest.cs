using System.Text.Json;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// Base of the end-to-end tests that run one `custos dev` process in a fresh folder and talk to it with the real
/// CLI as root (xUnit makes one instance per test, so each test gets its own server). A test class may pass
/// extra `custos dev` arguments.
/// </summary>
public abstract class DevServerTest(string devArguments = "") : IAsyncLifetime
{
    private readonly int _port = Repo.FreePort();

    /// <summary>The test's folder (the CLI's working directory).</summary>
    protected TempDir Dir { get; } = new();

    /// <summary>The dev server process.</summary>
    protected CustosProcess Server { get; private set; } = null!;

    /// <summary>The CLI with the root token.</summary>
    protected CliRunner Root { get; private set; } = null!;

    /// <summary>The dev server's data folder.</summary>
    protected string DevDir => Dir.File(".custos-dev");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Server = await CustosProcess.StartDevAsync(DevDir, _port, devArguments);
        var token = JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        Root = new CliRunner(Server.Address, Server.CaCert, token, Dir.Path);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Server.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
