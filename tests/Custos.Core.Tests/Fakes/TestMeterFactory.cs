using System.Diagnostics.Metrics;

namespace Custos.Core.Tests.Fakes;

/// <summary>An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a test listens only to its own.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    /// <summary>Sums what <paramref name="instrument"/> of this factory's meters records while <paramref name="act"/> runs, per value of tag <paramref name="tag"/>.</summary>
    public Dictionary<string, long> Count(string instrument, string tag, Action act)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Scope == this && i.Name == instrument) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var t in tags)
                if (t.Key == tag) lock (counts) counts[(string)t.Value!] = counts.GetValueOrDefault((string)t.Value!) + value;
        });
        listener.Start();
        act();
        return counts;
    }

    public void Dispose()
    {
        lock (_meters) foreach (var m in _meters) m.Dispose();
    }
}
