using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Residency;
using Custos.Core.Threshold;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// One custodian as users run it: `custos custodian init --dir` then `custos custodian serve --config` in its own
/// folder, its own process (SIGKILL and restart keep the folder). Its output is kept across runs to scan for secrets.
/// </summary>
public sealed class CustodianNode : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly SoftHsmToken? _hsm;
    private Process? _process;

    /// <summary>Writes keys, certificates and configuration under <paramref name="root"/>/<paramref name="name"/>.</summary>
    /// <remarks>With <paramref name="hsm"/>, its root key is in that token (an <c>hsm</c> section instead of <c>sealKeyFile</c>).</remarks>
    public CustodianNode(string root, string name, TestPki pki, string country, string servers, string policy = "{}", SoftHsmToken? hsm = null)
    {
        _hsm = hsm;
        Name = name;
        Dir = Path.Combine(root, name);
        Port = Repo.FreePort();
        Country = country;
        Directory.CreateDirectory(Dir);
        var (cert, key) = pki.Server(name);
        File.WriteAllText(ConfigFile, $$"""
            {
              // custos custodian serve configuration made by the tests
              "name": "{{name}}",
              "listen": "127.0.0.1:{{Port}}",
              "dataDir": "data",
              {{(hsm is null ? "\"sealKeyFile\": \"keys/seal.key\"," : hsm.ConfigSection().Replace("\"defaultCustody\": \"hsm\",", "", StringComparison.Ordinal) + ",")}}
              "dkgKeyFile": "keys/dkg.key",
              "tls": { "certFile": "{{cert}}", "keyFile": "{{key}}" },
              "clientCaFile": "{{pki.CaFile}}",
              "location": { "country": "{{country}}", "operator": "op-{{name}}", "compellableBy": ["{{country}}"] },
              "servers": {{servers}},
              "policy": {{policy}}
            }
            """);
    }

    /// <summary>Its name.</summary>
    public string Name { get; }
    /// <summary>Its folder (configuration, keys, data).</summary>
    public string Dir { get; }
    /// <summary>Its port on 127.0.0.1.</summary>
    public int Port { get; }
    /// <summary>Its declared country.</summary>
    public string Country { get; }
    /// <summary>The configuration file.</summary>
    public string ConfigFile => Path.Combine(Dir, "custodian.json");
    /// <summary>The seal key file.</summary>
    public string SealKeyFile => Path.Combine(Dir, "keys", "seal.key");
    /// <summary>The data folder.</summary>
    public string DataDir => Path.Combine(Dir, "data");
    /// <summary>https://127.0.0.1:PORT</summary>
    public string Address => $"https://127.0.0.1:{Port}";
    /// <summary>True while its process runs.</summary>
    public bool Running => _process is { HasExited: false };
    /// <summary>Everything every run printed.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>As the Custos server's configuration names it.</summary>
    public CustodianEndpointOptions Endpoint(string? address = null) => new()
    {
        Name = Name, Address = address ?? Address, ServerName = Name,
        Location = new Location { Country = Country, Operator = "op-" + Name, CompellableBy = [Country] },
    };

    /// <summary>Runs `custos custodian init`.</summary>
    public async Task InitAsync()
    {
        var (code, output) = await RunAsync($"custodian init --dir \"{Path.Combine(Dir, "keys")}\"{(_hsm is null ? "" : " --hsm")}");
        Assert.True(code == 0, output);
    }

    /// <summary>Starts `custos custodian serve` and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{Repo.CliDll}\" custodian serve --config \"{ConfigFile}\"")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        int before = Output.Length; // only this run's "listening on" counts (Output keeps every run)
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"custodian {Name} exited with {p.ExitCode}:\n{Output}");
            if (Output.IndexOf("listening on", before, StringComparison.Ordinal) >= 0)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync("127.0.0.1", Port);
                    return;
                }
                catch (SocketException) { }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"custodian {Name} did not start:\n{Output}");
    }

    /// <summary>True while its process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public static async Task<(int Code, string Output)> RunAsync(string args)
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{Repo.CliDll}\" {args}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <inheritdoc />
    public void Dispose() => Kill();
}
