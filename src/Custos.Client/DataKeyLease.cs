namespace Custos.Client;

/// <summary>
/// The server's upper bound on reusing one data key (from the key's <c>dataKeyCaching</c> policy): may it
/// be cached at all, for how long after it was issued, for how many messages and how many plaintext bytes.
/// The SDK caches for the stricter of this and its own <see cref="DataKeyCacheOptions"/>; an answer
/// without a lease (an older server) is treated as <see cref="None"/>.
/// </summary>
public sealed record DataKeyLease(bool Allowed, TimeSpan MaxAge, long MaxMessages, long MaxBytes)
{
    /// <summary>No caching.</summary>
    public static DataKeyLease None { get; } = new(false, TimeSpan.Zero, 0, 0);
}
