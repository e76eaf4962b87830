using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// A Custos server running as its own process (`custos dev` or `custos serve`), as users run it.
/// Its output is kept (to search for leaked secrets) and it can be killed with SIGKILL.
/// </summary>
public sealed class CustosProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CustosProcess(Process process, string address, string caCert)
    {
        _process = process;
        Address = address;
        CaCert = caCert;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>https://127.0.0.1:PORT</summary>
    public string Address { get; }
    /// <summary>The CA certificate that signs the server's certificate.</summary>
    public string CaCert { get; }
    /// <summary>The process id.</summary>
    public int Pid => _process.Id;
    /// <summary>Everything the server printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts `custos dev` in <paramref name="devDir"/> and waits until it serves and has written its env file.</summary>
    public static async Task<CustosProcess> StartDevAsync(string devDir, int port, string extraArgs = "")
    {
        var p = Start($"dev --dir \"{devDir}\" --listen 127.0.0.1:{port} {extraArgs}");
        var server = new CustosProcess(p, $"https://127.0.0.1:{port}", Path.Combine(devDir, "tls", "ca.pem"));
        await server.WaitAsync(expectReady: true, envFile: Path.Combine(devDir, "env"));
        return server;
    }

    /// <summary>Starts `custos serve --config` and waits until it answers (sealed or not).</summary>
    public static async Task<CustosProcess> StartServeAsync(string configFile, int port, string caCert, string extraArgs = "")
    {
        var p = Start($"serve --config \"{configFile}\" {extraArgs}");
        var server = new CustosProcess(p, $"https://127.0.0.1:{port}", caCert);
        await server.WaitAsync(expectReady: false, envFile: null);
        return server;
    }

    private static Process Start(string args)
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{Repo.CliDll}\" {args}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        return Process.Start(psi)!;
    }

    private async Task WaitAsync(bool expectReady, string? envFile)
    {
        HttpClient? http = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"custos exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if (!File.Exists(CaCert)) { await Task.Delay(100); continue; }
                http ??= Client();
                using var r = await http.GetAsync("v1/health");
                if ((!expectReady || r.IsSuccessStatusCode) && (envFile is null || File.Exists(envFile))) { http.Dispose(); return; }
            }
            catch (HttpRequestException)
            {
                // The CA file may have been read while the server was still writing it: read it again next time.
                http?.Dispose();
                http = null;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"custos did not start in time:\n{Output}");
    }

    /// <summary>An HttpClient that trusts the server's CA.</summary>
    public HttpClient Client(string? token = null)
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(CaCert);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trust);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return cert is not null && chain.Build(new X509Certificate2(cert));
        };
        var c = new HttpClient(handler) { BaseAddress = new Uri(Address + "/") };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return c;
    }

    /// <summary>Peak resident memory of the server so far (VmHWM).</summary>
    public long PeakRssBytes() => ProcMemory.PeakRss(_process.Id);

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

/// <summary>Reads memory figures of a live process from /proc.</summary>
public static class ProcMemory
{
    /// <summary>VmHWM (peak resident set) in bytes, or 0 when the process is gone.</summary>
    public static long PeakRss(int pid) => Read(pid, "VmHWM:");

    /// <summary>VmRSS in bytes, or 0 when the process is gone.</summary>
    public static long Rss(int pid) => Read(pid, "VmRSS:");

    private static long Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
