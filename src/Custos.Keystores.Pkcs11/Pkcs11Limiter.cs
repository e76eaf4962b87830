using System.Threading.RateLimiting;
using Custos.Core.Errors;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// The gate in front of one token: at most <c>maxInFlight</c> operations at once (a concurrency limiter) and
/// at most <c>maxPerSecond</c> starting per second (a token bucket). A request that cannot start at once
/// waits, oldest first, up to the queue timeout (and behind at most <c>queueLimit</c> others); then it is
/// refused with <see cref="CustosThrottledException"/>. The in-flight slot is taken before the rate token,
/// so an operation starts as soon as it has its token and the starts follow the bucket exactly.
/// </summary>
internal sealed class Pkcs11Limiter : IDisposable
{
    private readonly ConcurrencyLimiter _inFlight;
    private readonly TokenBucketRateLimiter? _rate;
    private readonly int _maxInFlight;
    private readonly int? _maxPerSecond;
    private readonly TimeSpan _queueTimeout;
    private readonly Pkcs11Metrics _metrics;
    private readonly string _tokenLabel;
    private int _queued;

    public Pkcs11Limiter(int maxInFlight, int? maxPerSecond, TimeSpan queueTimeout, int queueLimit, Pkcs11Metrics metrics, string tokenLabel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueTimeout, TimeSpan.Zero);
        _maxInFlight = maxInFlight;
        _maxPerSecond = maxPerSecond;
        _queueTimeout = queueTimeout;
        _metrics = metrics;
        _tokenLabel = tokenLabel;
        _inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxInFlight,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (maxPerSecond is { } perSecond)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
            // ceil(N/100) tokens every tokens/N seconds: N per second, refilled about every 10 ms, and a burst
            // (the bucket's size) of one refill only. Ticks round up, so the rate never exceeds N.
            int tokens = (perSecond + 99) / 100;
            long periodTicks = (TimeSpan.TicksPerSecond * tokens + perSecond - 1) / perSecond;
            _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokens,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = TimeSpan.FromTicks(periodTicks),
                QueueLimit = queueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>Requests waiting now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Takes a turn without waiting, when one is free.</summary>
    public bool TryEnter(out Turn turn)
    {
        turn = default;
        var slot = _inFlight.AttemptAcquire(1);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            return false;
        }
        if (_rate is not null)
        {
            using var token = _rate.AttemptAcquire(1);
            if (!token.IsAcquired)
            {
                slot.Dispose();
                return false;
            }
        }
        turn = new Turn(slot);
        return true;
    }

    /// <summary>Waits for a turn up to the queue timeout; throws <see cref="CustosThrottledException"/> after it.</summary>
    public async ValueTask<Turn> EnterAsync(string operation, CancellationToken cancellationToken)
    {
        if (TryEnter(out var turn)) return turn;
        Interlocked.Increment(ref _queued);
        _metrics.Queued(1);
        RateLimitLease? slot = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_queueTimeout);
            slot = await _inFlight.AcquireAsync(1, timeout.Token);
            if (!slot.IsAcquired) throw Throttled(operation);
            if (_rate is not null)
            {
                using var token = await _rate.AcquireAsync(1, timeout.Token);
                if (!token.IsAcquired) throw Throttled(operation);
            }
            var acquired = new Turn(slot);
            slot = null;
            return acquired;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Throttled(operation);
        }
        finally
        {
            slot?.Dispose();
            Interlocked.Decrement(ref _queued);
            _metrics.Queued(-1);
        }
    }

    /// <summary>
    /// The blocking form of <see cref="EnterAsync"/> for synchronous callers (the root key protector and the
    /// ECDSA signer, used rarely): it holds its thread while it waits.
    /// </summary>
    public Turn Enter(string operation) =>
        TryEnter(out var turn) ? turn : EnterAsync(operation, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private CustosThrottledException Throttled(string operation)
    {
        _metrics.Throttled(operation);
        // The backlog drains at the rate limit; without one, a second is a fair guess for an HSM.
        double seconds = _maxPerSecond is { } perSecond ? Math.Ceiling((Queued + 1.0) / perSecond) : 1;
        var retryAfter = TimeSpan.FromSeconds(Math.Max(1, seconds));
        string limits = _maxPerSecond is { } n ? $"{n} operations per second, {_maxInFlight} at once" : $"{_maxInFlight} operations at once";
        return new CustosThrottledException(
            $"HSM token '{_tokenLabel}' is at its operation limit ({limits}); retry after {retryAfter.TotalSeconds:0} s", retryAfter);
    }

    public void Dispose()
    {
        _inFlight.Dispose();
        _rate?.Dispose();
    }

    /// <summary>One operation's permission to use the HSM; dispose it when the HSM calls are done.</summary>
    internal readonly struct Turn(RateLimitLease slot) : IDisposable
    {
        public void Dispose() => slot?.Dispose();
    }
}
