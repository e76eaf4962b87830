using System.Globalization;

namespace Custos.Bench.Load;

/// <summary>CPU use over a window: one process (from its CPU time) and the whole machine (from /proc/stat).</summary>
internal sealed class CpuMeter
{
    private readonly ChildProcess? _server;
    private readonly TimeSpan _serverStart;
    private readonly (long Busy, long Total) _machineStart;
    private readonly long _startTicks = System.Diagnostics.Stopwatch.GetTimestamp();

    public CpuMeter(ChildProcess? server)
    {
        _server = server;
        _serverStart = server?.CpuTime() ?? TimeSpan.Zero;
        _machineStart = MachineTicks();
    }

    /// <summary>(server CPU as % of one core, machine busy as % of all cores) since construction.</summary>
    public (double Server, double Machine) Stop()
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(_startTicks);
        var server = _server is null ? 0 : (_server.CpuTime() - _serverStart).TotalSeconds / wall.TotalSeconds * 100;
        var (busy, total) = MachineTicks();
        var machine = total - _machineStart.Total > 0 ? 100.0 * (busy - _machineStart.Busy) / (total - _machineStart.Total) : double.NaN;
        return (server, machine);
    }

    private static (long Busy, long Total) MachineTicks()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var total = cpu.Sum();
            var idle = cpu[3] + (cpu.Length > 4 ? cpu[4] : 0);
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
