using System.Diagnostics;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// A long-running `custos` command (e.g. `audit witness`) as its own process: its output lines are kept as they
/// arrive so a test can wait for one, and it is killed on dispose if it is still running.
/// </summary>
public sealed class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    internal RunningCli(ProcessStartInfo psi)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Stdout lines so far.</summary>
    public IReadOnlyList<string> StdoutLines { get { lock (_stdout) return [.. _stdout]; } }

    /// <summary>Stderr so far.</summary>
    public string Stderr { get { lock (_stderr) return string.Join('\n', _stderr); } }

    /// <summary>Everything printed so far, for failure messages.</summary>
    public string Output => $"stdout:\n{string.Join('\n', StdoutLines)}\nstderr:\n{Stderr}";

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits until <paramref name="done"/> holds for the stdout lines; fails the test on timeout or an early exit.</summary>
    public async Task WaitForStdoutAsync(Func<IReadOnlyList<string>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(StdoutLines))
        {
            Assert.False(_process.HasExited, $"exited with {(_process.HasExited ? _process.ExitCode : 0)} before {what}\n{Output}");
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code; fails the test on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Assert.Fail($"timed out waiting for {what}\n{Output}"); }
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
