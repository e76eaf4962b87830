using System.Globalization;

namespace Custos.Cli.Audit;

/// <summary>
/// Progress of a long pass over the audit log, as lines on a writer (stderr for the CLI):
/// <c>audit verify: 250,000 of 1,000,000 events (25%)</c>, at most one line per
/// <see cref="Every"/> and none for a pass that ends sooner, so short logs stay quiet.
/// <see cref="Report"/> is cheap enough to call for every event (it looks at the clock every 1024).
/// </summary>
public sealed class EventProgress : IProgress<long>
{
    /// <summary>The least time between two lines.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private readonly string _what;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private long _total;
    private long _last;
    private bool _printed;

    /// <summary>Progress of <paramref name="what"/> (e.g. "audit verify") over about <paramref name="total"/> events (0 if unknown).</summary>
    public EventProgress(string what, long total, TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        (_what, _total, _output, _time) = (what, Math.Max(0, total), output, time);
        _last = time.GetTimestamp();
    }

    /// <summary>Progress to stderr with the system clock.</summary>
    public static EventProgress ToStderr(string what, long total) => new(what, total, Console.Error, TimeProvider.System);

    /// <summary>Sets the expected number of events when it becomes known; the next line is due a second from now.</summary>
    public void SetTotal(long total)
    {
        _total = Math.Max(0, total);
        _last = _time.GetTimestamp();
    }

    /// <summary>Prints one line about a step that shows no count (e.g. hashing large files), so the wait is explained.</summary>
    public void Phase(string text)
    {
        _output.WriteLine($"{_what}: {text}");
        _last = _time.GetTimestamp();
    }

    /// <summary>Notes that <paramref name="value"/> events are done; prints a line when one is due.</summary>
    public void Report(long value)
    {
        if ((value & 1023) != 0) return;
        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_last, now) < Every) return;
        _last = now;
        _printed = true;
        _output.WriteLine(Line(value));
    }

    /// <summary>Prints the final count when any progress line was printed (so the last line is not a stale one).</summary>
    public void Done(long value)
    {
        if (_printed) _output.WriteLine(Line(value));
    }

    private string Line(long value)
    {
        var c = CultureInfo.InvariantCulture;
        return _total > 0
            ? string.Format(c, "{0}: {1:N0} of {2:N0} events ({3:0}%)", _what, value, _total, Math.Min(100.0, 100.0 * value / _total))
            : string.Format(c, "{0}: {1:N0} events", _what, value);
    }
}
