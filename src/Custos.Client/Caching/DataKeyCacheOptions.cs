namespace Custos.Client;

/// <summary>
/// Local limits of a data-key cache. A cached data key is reused only while every limit holds, and the
/// limits actually applied are the stricter of these and the server's <see cref="DataKeyLease"/>.
/// Turning caching on trades calls to the server (and their audit events) for a window in which disabling
/// or rotating a key on the server does not yet stop its cached data keys: at most the lease's max age.
/// </summary>
public sealed class DataKeyCacheOptions
{
    /// <summary>How long after it was issued a data key may be reused (default 5 minutes).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages one data key may encrypt or decrypt, the first included (default 10 000).</summary>
    public long MaxMessages { get; init; } = 10_000;

    /// <summary>Plaintext bytes one data key may encrypt or decrypt (default 1 GiB).</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>Most data keys held at once; the one closest to expiry is evicted first (default 1000).</summary>
    public int MaxEntries { get; init; } = 1000;

    internal void Validate()
    {
        if (MaxAge <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxAge), "MaxAge must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessages, 1, nameof(MaxMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntries, 1, nameof(MaxEntries));
    }
}
