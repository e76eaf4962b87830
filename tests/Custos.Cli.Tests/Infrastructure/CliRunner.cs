using System.Diagnostics;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>Runs the custos CLI against a server: as its own process (as users do) or in-process (fast, for many runs).</summary>
public sealed class CliRunner(string address, string caCert, string token, string workDir)
{
    /// <summary>The token used.</summary>
    public string Token { get; } = token;

    /// <summary>More environment variables for child-process runs.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Another token.</summary>
    public CliRunner WithToken(string other) => new(address, caCert, other, workDir);

    /// <summary>Runs `custos ARGS` as a child process with CUSTOS_* in its environment, sampling its memory.</summary>
    public async Task<CliResult> RunAsync(params string[] args)
    {
        var psi = StartInfo(args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.HasExited)
        {
            peak = Math.Max(peak, ProcMemory.PeakRss(p.Id));
            await Task.Delay(20);
        }
        await p.WaitForExitAsync();
        return new CliResult(p.ExitCode, await stdout, await stderr, peak);
    }

    /// <summary>Starts `custos ARGS` as a long-running child process (e.g. `audit witness`) with CUSTOS_* in its environment.</summary>
    public RunningCli Start(params string[] args) => new(StartInfo(args));

    private ProcessStartInfo StartInfo(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, UseShellExecute = false };
        psi.ArgumentList.Add(Repo.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CUSTOS_ADDR"] = address;
        psi.Environment["CUSTOS_TOKEN"] = Token;
        psi.Environment["CUSTOS_CACERT"] = caCert;
        foreach (var (name, value) in Environment) psi.Environment[name] = value;
        return psi;
    }

    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);

    /// <summary>Runs the CLI in this process (no process start), capturing its console output.</summary>
    public async Task<CliResult> RunInProcessAsync(params string[] args)
    {
        await ConsoleLock.WaitAsync();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var outWriter = new StringWriter();
        using var errWriter = new StringWriter();
        try
        {
            Console.SetOut(outWriter);
            Console.SetError(errWriter);
            var all = args.Concat(["--addr", address, "--cacert", caCert, "--token", Token]).ToArray();
            var code = await CliApp.RunAsync(all);
            return new CliResult(code, outWriter.ToString(), errWriter.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            ConsoleLock.Release();
        }
    }
}
