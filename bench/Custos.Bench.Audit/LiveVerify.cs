using System.Diagnostics;
using System.Net.Sockets;
using Custos.Storage.Sqlite;

namespace Custos.Bench.Audit;

/// <summary>
/// <c>custos audit verify</c> as users run it, against a real <c>custos dev --audit-log</c> server whose log holds
/// the benchmark's events: the server is started once (dev PKI, seal, log signing key), stopped, the events are
/// appended to its data file through <see cref="SqliteAuditLog"/>, and it is started again — it then signs a
/// checkpoint over all of them. Each run is the CLI as a child process paging every event over HTTPS.
/// </summary>
internal sealed class LiveVerify : IDisposable
{
    private readonly string _repo;
    private readonly string _data;
    private readonly int _port = FreePort();
    private Process? _server;

    private LiveVerify(string repo, string dir) => (_repo, _data) = (repo, Path.Combine(dir, "dev"));

    /// <summary>Prepares the server with <paramref name="events"/> events and leaves it running.</summary>
    public static async Task<LiveVerify> StartAsync(string repo, string dir, long events, CancellationToken ct)
    {
        var live = new LiveVerify(repo, dir);
        if (Directory.Exists(live._data)) Directory.Delete(live._data, recursive: true); // a fresh server each time
        try
        {
            await live.StartServerAsync(ct);
            live.StopServer();
            using (var db = new SqliteDatabase(Path.Combine(live._data, "custos.db")))
                await BenchLog.AppendAsync(db, events, signer: null, ct);
            await live.StartServerAsync(ct);
            return live;
        }
        catch
        {
            live.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>custos audit verify</c> once (its progress goes to this process's stderr); returns wall-clock seconds.</summary>
    public async Task<double> RunAsync(CancellationToken ct)
    {
        var psi = Custos("audit", "verify");
        psi.RedirectStandardOutput = true;
        foreach (var line in File.ReadAllLines(Path.Combine(_data, "env")).Where(l => l.StartsWith("export ", StringComparison.Ordinal)))
        {
            var (name, value) = (line[7..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('\''));
            psi.Environment[name] = value;
        }
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        string stdout = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        double seconds = sw.Elapsed.TotalSeconds;
        if (p.ExitCode != 0 || !stdout.Contains("audit log verified", StringComparison.Ordinal))
            throw new InvalidOperationException($"custos audit verify failed (exit {p.ExitCode}): {stdout}");
        Console.Error.WriteLine("bench: " + stdout.Trim());
        return seconds;
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(_data, "env"))) File.Delete(Path.Combine(_data, "env"));
        var psi = Custos("dev", "--dir", _data, "--listen", $"127.0.0.1:{_port}", "--audit-log");
        psi.RedirectStandardOutput = true; // the banner and logs; drained below
        psi.RedirectStandardError = true;
        _server = Process.Start(psi)!;
        _ = _server.StandardOutput.ReadToEndAsync(ct);
        _ = _server.StandardError.ReadToEndAsync(ct);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(Path.Combine(_data, "env")))
        {
            if (_server.HasExited) throw new InvalidOperationException($"custos dev exited with {_server.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("custos dev did not start in 5 minutes");
            await Task.Delay(200, ct);
        }
    }

    private void StopServer()
    {
        if (_server is null) return;
        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true); // SQLite WAL: every committed event survives
            _server.WaitForExit();
        }
        _server.Dispose();
        _server = null;
    }

    private ProcessStartInfo Custos(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(_repo, "custos")) { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static int FreePort()
    {
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <inheritdoc />
    public void Dispose() => StopServer();
}
