namespace Custos.Bench.Load;

/// <summary>What one measured window produced.</summary>
internal sealed record Measurement(
    string Generator, string Target, int Concurrency, long Requests, long Errors, double Seconds,
    double P50Ms, double P99Ms, double MaxMs, double ServerCpuPercent, double MachineCpuPercent)
{
    /// <summary>Machine CPU busy (% of all cores) in the idle half-second before the cell: other tenants.</summary>
    public double BackgroundCpuPercent { get; init; } = double.NaN;

    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>Server CPU time per request, microseconds: robust to other load on the machine.</summary>
    public double ServerMicrosPerRequest => Requests > 0 ? ServerCpuPercent / 100 * Seconds * 1e6 / Requests : double.NaN;

    /// <summary>Percentiles from latencies in Stopwatch ticks (the array is sorted in place).</summary>
    public static (double P50, double P99, double Max) Percentiles(long[] ticks)
    {
        if (ticks.Length == 0) return (double.NaN, double.NaN, double.NaN);
        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        long At(double q) => ticks[Math.Min(ticks.Length - 1, (int)Math.Ceiling(q * ticks.Length) - 1)];
        return (Ms(At(0.50)), Ms(At(0.99)), Ms(ticks[^1]));
    }
}
