using Custos.Crypto;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// How to reach one PKCS#11 token and how hard Custos may drive it. Not a record: it carries the PIN.
/// </summary>
public sealed class Pkcs11Options
{
    /// <summary>The default number of sessions kept open when the token allows that many.</summary>
    public const int DefaultSessionPoolSize = 8;

    /// <summary>Path of the PKCS#11 module library (e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>).</summary>
    public required string ModulePath { get; init; }

    /// <summary>The token's label; set this or <see cref="SlotId"/>. The label is preferred: slot ids can change.</summary>
    public string? TokenLabel { get; init; }

    /// <summary>The slot id; set this or <see cref="TokenLabel"/>.</summary>
    public ulong? SlotId { get; init; }

    /// <summary>
    /// The user (<c>CKU_USER</c>) PIN, UTF-8 (see <see cref="Pkcs11Pin"/>). The token keeps its own copy for
    /// logging in again after a lost session and zeroes it when disposed; the caller disposes this one.
    /// </summary>
    public required SecretBytes Pin { get; init; }

    /// <summary>The keystore name recorded with each key version; default <c>"hsm:" + token label</c>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// At most this many HSM operations start per second (a token bucket refilled every 10 ms, so a burst is at
    /// most one hundredth of a second's worth, or one operation). Null: no rate limit.
    /// </summary>
    public int? MaxOperationsPerSecond { get; init; }

    /// <summary>At most this many HSM operations run at once. Null: the session pool size.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>How long a request may wait for its turn before it is refused as throttled.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many requests wait at once; more are refused at once as throttled.</summary>
    public int QueueLimit { get; init; } = 1024;

    /// <summary>
    /// Sessions kept open on the token. Null: <see cref="DefaultSessionPoolSize"/>, or fewer when the token's
    /// <c>ulMaxSessionCount</c> is lower. <see cref="MaxInFlight"/> never exceeds it.
    /// </summary>
    public int? SessionPoolSize { get; init; }
}
