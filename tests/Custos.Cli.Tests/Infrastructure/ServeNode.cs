using Custos.Server.Hosting;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>A production-style node: `custos serve --config` with Shamir shares, started and restarted in one folder.</summary>
public sealed class ServeNode : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly int _port = Repo.FreePort();
    private readonly DevPki.Files _pki;

    /// <summary>Writes the configuration (with <paramref name="extraConfig"/>, JSON members to add) and the TLS files.</summary>
    public ServeNode(string? extraConfig = null)
    {
        _pki = DevPki.Ensure(_dir.File("tls"), TimeProvider.System);
        File.WriteAllText(ConfigFile, $$"""
            {
              // custos serve configuration used by the tests
              "listen": "127.0.0.1:{{_port}}",
              "dataDir": "data",
              "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "maintenanceIntervalSeconds": 3600{{(extraConfig is null ? "" : ",\n" + extraConfig)}}
            }
            """);
    }

    /// <summary>The node's folder.</summary>
    public TempDir Dir => _dir;
    /// <summary>The configuration file.</summary>
    public string ConfigFile => _dir.File("custos.json");
    /// <summary>The database file.</summary>
    public string Database => Path.Combine(_dir.Path, "data", "custos.db");
    /// <summary>The running server, if any.</summary>
    public CustosProcess? Server { get; private set; }
    /// <summary>Shares from init.</summary>
    public List<string> Shares { get; } = [];
    /// <summary>Root token from init.</summary>
    public string RootToken { get; private set; } = "";

    /// <summary>Everything every server run printed (kept across restarts).</summary>
    public string AllOutput { get; private set; } = "";

    /// <summary>A CLI bound to the node with the root token.</summary>
    public CliRunner Cli => new(Server!.Address, _pki.CaCert, RootToken, _dir.Path);

    /// <summary>Starts the server (sealed), with <paramref name="extraArgs"/> added to <c>custos serve</c>.</summary>
    public async Task StartAsync(string extraArgs = "") => Server = await CustosProcess.StartServeAsync(ConfigFile, _port, _pki.CaCert, extraArgs);

    /// <summary>Runs `custos init` (shares written to files) and keeps the shares and root token.</summary>
    public async Task<string> InitAsync(int shares, int threshold, string seal = "shamir")
    {
        var cli = new CliRunner(Server!.Address, _pki.CaCert, "", _dir.Path);
        var init = (await cli.RunAsync("init", "--shares", shares.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--threshold", threshold.ToString(System.Globalization.CultureInfo.InvariantCulture), "--share-dir", _dir.File("shares"), "--seal", seal)).Ok();
        RootToken = init.Split('\n').Single(l => l.StartsWith("Root token: ", StringComparison.Ordinal))["Root token: ".Length..].Trim();
        for (int i = 1; i <= shares; i++) Shares.Add(File.ReadAllText(_dir.File($"shares/share-{i}.txt")).Trim());
        return init;
    }

    /// <summary>Unseals with the given share numbers (1-based) through `custos unseal --share-file`.</summary>
    public async Task UnsealAsync(params int[] which)
    {
        CliResult last = null!;
        foreach (var n in which)
            last = await Cli.RunAsync("unseal", "--share-file", _dir.File($"shares/share-{n}.txt"));
        Assert.Contains("Sealed:       no", last.Ok(), StringComparison.Ordinal);
    }

    /// <summary>SIGKILL.</summary>
    public void Kill()
    {
        if (Server is null) return;
        AllOutput += Server.Output;
        Server.Kill();
        Server.Dispose();
        Server = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _dir.Dispose();
    }
}
