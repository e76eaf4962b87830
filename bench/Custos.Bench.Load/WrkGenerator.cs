using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Custos.Bench.Load;

/// <summary>
/// The same closed-loop load from <c>wrk</c> (C, epoll; cheaper per request than HttpClient). wrk does
/// not verify the server certificate. Latency percentiles come from wrk's --latency table.
/// </summary>
internal sealed partial class WrkGenerator(string workDir, int threads)
{
    /// <summary>Whether wrk is on the PATH.</summary>
    public static bool Available() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "wrk")));

    /// <summary>Warm-up, then a measured window.</summary>
    public async Task<Measurement> RunAsync(LoadRequest request, int concurrency, TimeSpan warmup, TimeSpan window, ChildProcess? server, CancellationToken ct)
    {
        var script = Path.Combine(workDir, $"wrk-{request.Target}.lua");
        await File.WriteAllTextAsync(script, Lua(request), ct);
        await RunWrkAsync(request.Uri, script, concurrency, warmup, ct);
        var cpu = new CpuMeter(server);
        var output = await RunWrkAsync(request.Uri, script, concurrency, window, ct);
        var (serverCpu, machineCpu) = cpu.Stop();
        return Parse(output, request.Target, concurrency, window.TotalSeconds, serverCpu, machineCpu);
    }

    private static string Lua(LoadRequest r)
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var sb = new StringBuilder();
        sb.AppendLine("wrk.method = \"POST\"");
        sb.AppendLine("wrk.body = " + Quote(Encoding.UTF8.GetString(r.Body)));
        sb.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        if (r.Token is not null) sb.AppendLine("wrk.headers[\"Authorization\"] = " + Quote(r.Token));
        return sb.ToString();
    }

    private async Task<string> RunWrkAsync(Uri uri, string script, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "-t", Math.Min(threads, concurrency).ToString(CultureInfo.InvariantCulture),
                     "-c", concurrency.ToString(CultureInfo.InvariantCulture),
                     "-d", Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
                     "--timeout", "10s", "--latency", "-s", script, uri.ToString(),
                 })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start wrk");
        using var kill = ct.Register(() => { try { process.Kill(); } catch (InvalidOperationException) { } });
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException("wrk failed: " + await stderr);
        return await stdout;
    }

    private static Measurement Parse(string output, string target, int concurrency, double seconds, double serverCpu, double machineCpu)
    {
        var requests = RequestsLine().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var actual = RequestsLine().Match(output) is { Success: true } m2 ? Duration(m2.Groups[2].Value) : seconds;
        long errors = 0;
        if (NonOkLine().Match(output) is { Success: true } n) errors += long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture);
        if (SocketErrorsLine().Match(output) is { Success: true } s)
            errors += s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture));
        double Pct(string p) => PercentileLine(p).Match(output) is { Success: true } x ? Duration(x.Groups[1].Value) * 1000 : double.NaN;
        var max = MaxLine().Match(output) is { Success: true } mx ? Duration(mx.Groups[1].Value) * 1000 : double.NaN;
        return new Measurement("wrk", target, concurrency, requests - errors, errors, actual, Pct("50"), Pct("99"), max, serverCpu, machineCpu);
    }

    /// <summary>wrk durations: 812.00us, 1.23ms, 2.01s, 1.00m.</summary>
    private static double Duration(string s)
    {
        var m = DurationValue().Match(s);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1e6, "ms" => v / 1e3, "s" => v, "m" => v * 60, "h" => v * 3600, _ => v };
    }

    private static Regex PercentileLine(string p) => new(@"^\s+" + p + @"%\s+(\S+)", RegexOptions.Multiline);

    [GeneratedRegex(@"(\d+) requests in ([\d.]+\w+)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonOkLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"^\s+Latency\s+\S+\s+\S+\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex MaxLine();

    [GeneratedRegex(@"^([\d.]+)([a-z]*)$")]
    private static partial Regex DurationValue();
}
