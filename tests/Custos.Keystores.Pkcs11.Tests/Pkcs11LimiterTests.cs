using System.Diagnostics;
using System.Diagnostics.Metrics;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>The limiter in front of the HSM, proven through the token's own metrics.</summary>
public sealed class Pkcs11LimiterTests(SoftHsm hsm)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_flood_is_held_to_the_limits_some_requests_are_refused_with_retry_after_and_every_accepted_one_is_right()
    {
        const int maxInFlight = 2, perSecond = 400, requests = 400;
        using var token = hsm.Open(SoftHsm.Limiter, maxInFlight: maxInFlight, maxPerSecond: perSecond,
            queueTimeout: TimeSpan.FromMilliseconds(100), poolSize: 4);
        var keystore = new Pkcs11Keystore(token);
        var keyId = Guid.CreateVersion7().ToString("D");
        var v = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct));
        var dek = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var ciphertext = await keystore.EncryptAsync(v, dek, "ctx"u8.ToArray(), Ct);
        using var meters = new MeterWatch(token.Meter);
        await Task.Delay(50, Ct); // let the bucket refill after the set-up calls

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flood = Enumerable.Range(0, requests).Select(_ => AttemptAsync()).ToList();
        var clock = Stopwatch.StartNew();
        gate.SetResult();
        var results = await Task.WhenAll(flood);
        clock.Stop();

        async Task<(bool Ok, CustosThrottledException? Throttled)> AttemptAsync()
        {
            await gate.Task;
            try
            {
                using var opened = await keystore.DecryptAsync(v, ciphertext, "ctx"u8.ToArray(), Ct);
                return (opened is not null && opened.Reveal().SequenceEqual(dek), null);
            }
            catch (CustosThrottledException e) { return (false, e); }
        }

        var throttled = results.Where(r => r.Throttled is not null).Select(r => r.Throttled!).ToList();
        int accepted = results.Length - throttled.Count;
        Assert.NotEmpty(throttled);
        Assert.All(throttled, e => Assert.True(e.RetryAfter > TimeSpan.Zero));
        Assert.All(throttled, e => Assert.Contains("operation limit", e.Message, StringComparison.Ordinal));
        Assert.True(accepted > 0);
        Assert.All(results.Where(r => r.Throttled is null), r => Assert.True(r.Ok, "an accepted decrypt must return the right plaintext"));
        // What the HSM saw, from the token's instruments: never more than 2 operations at once, requests queued,
        // every refusal counted, and no more starts than the token bucket allows.
        Assert.InRange(meters.PeakInFlight, 1, maxInFlight);
        Assert.True(meters.PeakQueued > 0);
        Assert.Equal(throttled.Count, meters.Throttled);
        // 400/s is a bucket of 4 refilled with 4 every 10 ms: over the flood at most 4 plus 4 per refill that fell in it.
        Assert.InRange(accepted, 1, 4 + 4 * ((int)(clock.Elapsed.TotalMilliseconds / 10) + 1));
        Assert.Equal(accepted, meters.DecryptDurations);
    }

    [Fact]
    public async Task Without_a_rate_limit_concurrency_alone_bounds_the_hsm_and_nothing_waiting_long_enough_is_refused()
    {
        using var token = hsm.Open(SoftHsm.Limiter, maxInFlight: 3, queueTimeout: TimeSpan.FromSeconds(30), poolSize: 3);
        var keystore = new Pkcs11Keystore(token);
        var keyId = Guid.CreateVersion7().ToString("D");
        var v = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct));
        using var meters = new MeterWatch(token.Meter);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++) await keystore.EncryptAsync(v, new byte[32], ReadOnlyMemory<byte>.Empty, Ct);
        }, Ct)));

        Assert.InRange(meters.PeakInFlight, 1, 3);
        Assert.Equal(0, meters.Throttled);
    }

    /// <summary>Listens to one token's meter: running totals of the up-down counters and their peaks.</summary>
    private sealed class MeterWatch : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();
        private long _inFlight, _queued;

        public MeterWatch(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(OnLong);
            _listener.SetMeasurementEventCallback<double>(OnDouble);
            _listener.Start();
        }

        public long PeakInFlight { get; private set; }
        public long PeakQueued { get; private set; }
        public int Throttled { get; private set; }
        public int DecryptDurations { get; private set; }

        private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            lock (_lock)
            {
                switch (instrument.Name)
                {
                    case "custos.hsm.in_flight": _inFlight += value; PeakInFlight = Math.Max(PeakInFlight, _inFlight); break;
                    case "custos.hsm.queued": _queued += value; PeakQueued = Math.Max(PeakQueued, _queued); break;
                    case "custos.hsm.throttled": Throttled += (int)value; break;
                }
            }
        }

        private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            if (instrument.Name != "custos.hsm.operation.duration") return;
            foreach (var tag in tags)
            {
                if (tag is { Key: "hsm.operation", Value: "decrypt" }) lock (_lock) DecryptDurations++;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
