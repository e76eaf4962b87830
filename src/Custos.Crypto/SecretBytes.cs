using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Custos.Crypto;

/// <summary>
/// A buffer of secret bytes (key material, plaintext data keys, shares).
/// Pinned so the GC never leaves copies behind, zeroed on <see cref="Dispose"/>,
/// prints as <c>[redacted]</c>, and compares in constant time.
/// The only way to the bytes is <see cref="Reveal"/>: grep for it to audit every use.
/// </summary>
public sealed class SecretBytes : IDisposable, IEquatable<SecretBytes>
{
    private readonly byte[] _buffer;
    private bool _disposed;

    private SecretBytes(int length)
    {
        _buffer = GC.AllocateUninitializedArray<byte>(length, pinned: true);
    }

    /// <summary>Number of secret bytes.</summary>
    public int Length => _buffer.Length;

    /// <summary>A new buffer of <paramref name="length"/> bytes from the system CSPRNG.</summary>
    public static SecretBytes Random(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var s = new SecretBytes(length);
        RandomNumberGenerator.Fill(s._buffer);
        return s;
    }

    /// <summary>A copy of <paramref name="source"/>; the caller still owns (and should zero) the source.</summary>
    public static SecretBytes CopyFrom(ReadOnlySpan<byte> source)
    {
        var s = new SecretBytes(source.Length);
        source.CopyTo(s._buffer);
        return s;
    }

    /// <summary>Copies <paramref name="source"/> and zeroes it, so the secret then lives only here.</summary>
    public static SecretBytes TakeFrom(Span<byte> source)
    {
        var s = CopyFrom(source);
        CryptographicOperations.ZeroMemory(source);
        return s;
    }

    /// <summary>A zero-filled buffer to be written through <see cref="RevealForWrite"/>.</summary>
    public static SecretBytes Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var s = new SecretBytes(length);
        Array.Clear(s._buffer);
        return s;
    }

    /// <summary>The secret bytes. Every call site is a place where secret material is used.</summary>
    public ReadOnlySpan<byte> Reveal()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _buffer;
    }

    /// <summary>The secret bytes, writable; for filling a buffer made with <see cref="Allocate"/>.</summary>
    public Span<byte> RevealForWrite()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _buffer;
    }

    /// <summary>A new, independent copy.</summary>
    public SecretBytes Clone() => CopyFrom(Reveal());

    /// <summary>Constant-time comparison of the contents.</summary>
    public bool Equals(SecretBytes? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(Reveal(), other.Reveal());

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SecretBytes other && Equals(other);

    /// <summary>Not derived from the contents, so hashing leaks nothing.</summary>
    public override int GetHashCode() => RuntimeHelpers_GetHashCode();

    private int RuntimeHelpers_GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <inheritdoc />
    public override string ToString() => "[redacted]";

    /// <summary>Zeroes the buffer. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        CryptographicOperations.ZeroMemory(_buffer);
        _disposed = true;
    }
}
