using System.Diagnostics;
using System.Globalization;
using Custos.Core.Audit;
using Custos.Storage.Sqlite;

namespace Custos.Bench.Audit;

/// <summary>
/// The cost of the audit log itself, without HTTP: <c>--append-loop SECONDS</c> runs N concurrent appenders
/// (each: await <see cref="SqliteAuditLog.AppendAsync"/> of a realistic event, then the next) against a fresh
/// data file, and beside it the same loop with <c>await Task.Yield()</c> in place of the append (the
/// thread-pool hand-off every audited request pays at the least). Prints events/s and process CPU per event.
/// </summary>
internal static class AppendLoop
{
    public static async Task<int> RunAsync(double seconds, int[] appenders, int runs, CancellationToken ct)
    {
        var factory = new RealisticEvents();
        var events = Enumerable.Range(0, 4096).Select(i => factory.Next(i)).ToArray();
        var o = Console.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Audit append loop: {seconds:F0} s windows after a {Math.Min(seconds, 5):F0} s warm-up, medians of {runs} run(s), {Environment.ProcessorCount} CPUs."));
        o.WriteLine();
        o.WriteLine("| appenders | log events/s | log CPU µs/event | Task.Yield loops/s | Task.Yield CPU µs/loop | mean batch |");
        o.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var n in appenders)
        {
            var log = new List<(double Rate, double Cpu, double Batch)>();
            var yields = new List<(double Rate, double Cpu, double Batch)>();
            for (int run = 0; run < runs; run++)
            {
                string dir = Directory.CreateTempSubdirectory("custos-append-").FullName;
                try
                {
                    using var db = new SqliteDatabase(Path.Combine(dir, "custos.db"));
                    await using (var audit = new SqliteAuditLog(db))
                    {
                        await LoopAsync(n, Math.Min(seconds, 5), i => audit.AppendAsync(events[i & 4095], ct), ct);
                        long commits = audit.Commits;
                        var r = await LoopAsync(n, seconds, i => audit.AppendAsync(events[i & 4095], ct), ct);
                        log.Add((r.Rate, r.Cpu, r.Count / (double)(audit.Commits - commits)));
                    }
                }
                finally { Directory.Delete(dir, recursive: true); }
                var y = await LoopAsync(n, seconds, static _ => Yield(), ct);
                yields.Add((y.Rate, y.Cpu, 0));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench: {n} appenders run {run + 1}: log {log[^1].Rate:F0}/s {log[^1].Cpu:F1} µs, yield {yields[^1].Rate:F0}/s {yields[^1].Cpu:F1} µs"));
            }
            static double Median(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a[a.Length / 2]; }
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {Median(log.Select(x => x.Rate)):F0} | {Median(log.Select(x => x.Cpu)):F1} | {Median(yields.Select(x => x.Rate)):F0} | {Median(yields.Select(x => x.Cpu)):F2} | {Median(log.Select(x => x.Batch)):F1} |"));
        }
        return 0;
    }

    private static async ValueTask Yield() => await Task.Yield();

    private static async Task<(double Rate, double Cpu, double Batch, long Count)> LoopAsync(int appenders, double seconds, Func<int, ValueTask> step, CancellationToken ct)
    {
        long count = 0;
        var stop = false;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, appenders).Select(w => Task.Run(async () =>
        {
            int i = w * 97;
            while (!Volatile.Read(ref stop))
            {
                await step(i++);
                Interlocked.Increment(ref count);
            }
        }, ct)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        var elapsed = sw.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        return (count / elapsed, used / count, 0, count);
    }
}
