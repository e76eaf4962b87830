using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Custos.Bench.Load;

/// <summary>The result table, ratios against bare Kestrel, and the machine and commit.</summary>
internal static class Report
{
    public static void Print(TextWriter w, BenchOptions o, string repo, IReadOnlyList<Measurement> results)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine($"machine: nproc={Environment.ProcessorCount}, cpu={CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        w.WriteLine($"commit:  {Git(repo, "rev-parse --short HEAD")}{(Git(repo, "status --porcelain --untracked-files=no").Length > 0 ? " (dirty)" : "")}");
        w.WriteLine($"window:  {o.Seconds.ToString(inv)} s measured after {o.WarmupSeconds.ToString(inv)} s warm-up; server DOTNET_gcServer={o.ServerGc ?? "default"}, DOTNET_TieredPGO={o.TieredPgo ?? "default"}");
        w.WriteLine($"server:  audit log {(o.AuditLog ? "on" : "off")}, key custody {o.Custody}");
        w.WriteLine();
        w.WriteLine("| generator | target | conc | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs/req | server CPU % | machine CPU % | idle-before CPU % |");
        w.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in results)
            w.WriteLine(string.Create(inv,
                $"| {m.Generator} | {m.Target} | {m.Concurrency} | {m.RequestsPerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} | {m.MaxMs:F1} | {m.Errors} | {m.ServerMicrosPerRequest:F0} | {m.ServerCpuPercent:F0} | {m.MachineCpuPercent:F0} | {m.BackgroundCpuPercent:F0} |"));
        w.WriteLine();
        w.WriteLine("| generator | conc | decrypt / bare | generate-data-key / bare |");
        w.WriteLine("|---|---:|---:|---:|");
        foreach (var g in results.GroupBy(r => (r.Generator, r.Concurrency)))
        {
            var bare = g.FirstOrDefault(r => r.Target == Target.Bare)?.RequestsPerSecond;
            string Ratio(string t) => bare is > 0 && g.FirstOrDefault(r => r.Target == t) is { } m
                ? (m.RequestsPerSecond / bare.Value).ToString("P0", inv) : "n/a";
            w.WriteLine($"| {g.Key.Generator} | {g.Key.Concurrency} | {Ratio(Target.Decrypt)} | {Ratio(Target.GenerateDataKey)} |");
        }
    }

    /// <summary>The repository root: the nearest parent of this program (or the working folder) holding Custos.slnx.</summary>
    public static string FindRepo()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Custos.slnx")) && File.Exists(Path.Combine(d.FullName, "custos"))) return d.FullName;
        }
        throw new InvalidOperationException("cannot find the Custos repository; pass --repo");
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Git(string repo, string args)
    {
        try
        {
            var psi = new ProcessStartInfo("git", $"-C \"{repo}\" {args}") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
