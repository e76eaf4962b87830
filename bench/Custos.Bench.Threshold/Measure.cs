using System.Diagnostics;

namespace Custos.Bench.Threshold;

/// <summary>One measured cell: latencies of every operation in the window and the throughput.</summary>
internal sealed record Cell(string Target, int Concurrency, double OpsPerSecond, double P50Ms, double P99Ms, int Errors);

internal static class Measure
{
    /// <summary><paramref name="concurrency"/> async workers loop <paramref name="operation"/> for a warm-up, then for the window.</summary>
    public static async Task<Cell> RunAsync(string target, int concurrency, TimeSpan warmup, TimeSpan window, Func<Task<bool>> operation)
    {
        await LoopAsync(concurrency, warmup, operation, null);
        var latencies = new List<double>[concurrency];
        for (int i = 0; i < concurrency; i++) latencies[i] = [];
        var clock = Stopwatch.StartNew();
        int errors = await LoopAsync(concurrency, window, operation, latencies);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Cell(target, concurrency, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static async Task<int> LoopAsync(int concurrency, TimeSpan window, Func<Task<bool>> operation, List<double>[]? latencies)
    {
        int errors = 0;
        var end = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                long start = Stopwatch.GetTimestamp();
                bool ok = await operation();
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!ok) Interlocked.Increment(ref errors);
                else latencies?[w].Add(ms);
            }
        })));
        return errors;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
