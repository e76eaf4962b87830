using System.Diagnostics;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>Finds the repository and the CLI built by ./custos (the command users run).</summary>
public static class Repo
{
    private static readonly Lazy<string> RootDir = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Custos.slnx"))) return d.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Custos.slnx) above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<string> Cli = new(() =>
    {
        // ./custos builds the CLI when it is missing or stale; run it once so the dll below is current.
        var psi = new ProcessStartInfo(Path.Combine(Root, "custos"), "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)) || p.ExitCode != 0)
            throw new InvalidOperationException("./custos --version failed: " + err.Result);
        var dll = Path.Combine(Root, ".build", "cli", "custos.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} was not built by ./custos");
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootDir.Value;

    /// <summary>The CLI assembly that ./custos runs.</summary>
    public static string CliDll => Cli.Value;

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
