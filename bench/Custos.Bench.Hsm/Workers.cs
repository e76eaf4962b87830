using System.Diagnostics;

namespace Custos.Bench.Hsm;

/// <summary>The measuring loop both sides share: N threads start together and repeat one operation for a window.</summary>
internal static class Workers
{
    /// <summary>Operations per second: <paramref name="operation"/>(thread index) run in a loop on <paramref name="threads"/> threads for <paramref name="window"/>.</summary>
    public static double OperationsPerSecond(int threads, TimeSpan window, Action<int> operation)
    {
        long total = 0;
        using var go = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            long n = 0;
            go.SignalAndWait();
            var deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                operation(i);
                n++;
            }
            Interlocked.Add(ref total, n);
        })).ToList();
        workers.ForEach(w => w.Start());
        go.SignalAndWait();
        var clock = Stopwatch.StartNew();
        workers.ForEach(w => w.Join());
        return total / clock.Elapsed.TotalSeconds;
    }
}
