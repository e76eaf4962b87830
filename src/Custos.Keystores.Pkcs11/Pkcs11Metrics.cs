using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// The instruments of one token, on a meter named <see cref="MeterName"/> (subscribe by that name). Every
/// measurement carries <c>hsm.token</c> (the label); operation measurements carry <c>hsm.operation</c>.
/// </summary>
internal sealed class Pkcs11Metrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Custos.Hsm";

    private readonly KeyValuePair<string, object?> _token;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _throttled;
    private readonly UpDownCounter<long> _queued;
    private readonly UpDownCounter<long> _inFlight;

    public Pkcs11Metrics(string tokenLabel)
    {
        _token = new("hsm.token", tokenLabel);
        Meter = new Meter(MeterName);
        _duration = Meter.CreateHistogram<double>("custos.hsm.operation.duration", "ms", "Time an HSM operation held its session, from the first PKCS#11 call to the last");
        _throttled = Meter.CreateCounter<long>("custos.hsm.throttled", "{request}", "Requests refused because the HSM was at its configured limit");
        _queued = Meter.CreateUpDownCounter<long>("custos.hsm.queued", "{request}", "Requests waiting for their turn at the HSM");
        _inFlight = Meter.CreateUpDownCounter<long>("custos.hsm.in_flight", "{operation}", "HSM operations running now");
    }

    /// <summary>The token's meter (tests listen to this instance only).</summary>
    public Meter Meter { get; }

    public void Queued(long delta) => _queued.Add(delta, _token);

    public void InFlight(long delta) => _inFlight.Add(delta, _token);

    public void Throttled(string operation) => _throttled.Add(1, _token, new("hsm.operation", operation));

    public void Completed(string operation, long startTimestamp) =>
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, _token, new("hsm.operation", operation));

    public void Dispose() => Meter.Dispose();
}
