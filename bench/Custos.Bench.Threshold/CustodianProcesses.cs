using System.Diagnostics;
using System.Net.Sockets;
using Custos.Core.Residency;
using Custos.Core.Threshold;
using Custos.Server.Hosting;

namespace Custos.Bench.Threshold;

/// <summary>
/// Three `custos custodian serve` processes on loopback in a temp folder (dev PKI: one CA, one localhost server
/// certificate shared by the three, a client certificate CN=custos-bench), killed and deleted on dispose.
/// </summary>
internal sealed class CustodianProcesses : IDisposable
{
    private readonly List<Process> _processes = [];

    private CustodianProcesses(string dir, ThresholdOptions options)
    {
        Dir = dir;
        Options = options;
    }

    public string Dir { get; }
    public ThresholdOptions Options { get; }

    public static async Task<CustodianProcesses> StartAsync(string cliDll, int count)
    {
        var dir = Path.Combine(Path.GetTempPath(), "custos-bench-threshold-" + Guid.NewGuid().ToString("N")[..8]);
        var pki = DevPki.Ensure(Path.Combine(dir, "pki"), TimeProvider.System);
        var client = DevPki.IssueClientCertificate(Path.Combine(dir, "pki"), "custos-bench", Path.Combine(dir, "pki"), 2, TimeProvider.System);
        var endpoints = new List<CustodianEndpointOptions>();
        var set = new CustodianProcesses(dir, new ThresholdOptions { CaFile = pki.CaCert, ClientCertFile = client.Certificate, ClientKeyFile = client.Key, Custodians = endpoints });
        try
        {
            for (int i = 0; i < count; i++)
            {
                var name = $"custodian-{(char)('a' + i)}";
                var home = Path.Combine(dir, name);
                Directory.CreateDirectory(home);
                await RunAsync(cliDll, $"custodian init --dir \"{Path.Combine(home, "keys")}\"");
                int port = FreePort();
                var config = Path.Combine(home, "custodian.json");
                File.WriteAllText(config, $$"""
                    { "name": "{{name}}", "listen": "127.0.0.1:{{port}}", "dataDir": "data",
                      "sealKeyFile": "keys/seal.key", "dkgKeyFile": "keys/dkg.key",
                      "tls": { "certFile": "{{pki.ServerCert}}", "keyFile": "{{pki.ServerKey}}" }, "clientCaFile": "{{pki.CaCert}}",
                      "location": { "country": "DE", "operator": "bench", "compellableBy": ["DE"] },
                      "servers": [ { "name": "custos-bench", "subject": "CN=custos-bench", "location": { "country": "DE", "operator": "bench" } } ] }
                    """);
                var p = Process.Start(new ProcessStartInfo("dotnet", $"\"{cliDll}\" custodian serve --config \"{config}\"")
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                    Environment = { ["DOTNET_TieredCompilation"] = "0" }, // as warmed up as a long-running custodian, from the first request
                })!;
                p.OutputDataReceived += (_, _) => { };
                p.ErrorDataReceived += (_, _) => { };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                set._processes.Add(p);
                endpoints.Add(new CustodianEndpointOptions
                {
                    Name = name, Address = $"https://127.0.0.1:{port}", ServerName = "127.0.0.1",
                    Location = new Location { Country = "DE", Operator = "bench", CompellableBy = ["DE"] },
                });
            }
            foreach (var (p, e) in set._processes.Zip(endpoints)) await WaitAsync(p, new Uri(e.Address).Port);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private static async Task WaitAsync(Process p, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"a custodian exited with {p.ExitCode}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                await Task.Delay(200); // the listener is up; let the host finish starting
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException("a custodian did not start");
    }

    private static async Task RunAsync(string cliDll, string args)
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", $"\"{cliDll}\" {args}") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"custos {args} failed: {await err}");
    }

    private static int FreePort()
    {
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}
