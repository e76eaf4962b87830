using System.Security.Cryptography;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — RFC 9162 §2.1.1 (same as RFC 6962 §2.1) with SHA-256, 32-byte hashes:
/// <code>
/// MTH({})      = SHA-256()                                   // EmptyRoot, e3b0c442…b855
/// leaf hash    = SHA-256(0x00 || leaf data)                   // LeafHash
/// node hash    = SHA-256(0x01 || left || right)               // NodeHash
/// </code>
/// Misuse (a child hash that is not 32 bytes) throws <see cref="ArgumentException"/>.
/// </summary>
public static class MerkleHash
{
    /// <summary>Size of every hash in the tree, in bytes.</summary>
    public const int Size = 32;

    private static readonly byte[] Empty = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The root of the empty tree, SHA-256 of the empty string. A fresh copy on each call.</summary>
    public static byte[] EmptyRoot => (byte[])Empty.Clone();

    /// <summary>SHA-256(0x00 || <paramref name="data"/>).</summary>
    /// <remarks>One one-shot hash over a pooled copy: a fresh <see cref="IncrementalHash"/> per leaf costs about twice
    /// as much (OpenSSL fetches the digest and makes a context each time), and the log hashes every event it writes or verifies.</remarks>
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1024)
        {
            Span<byte> small = stackalloc byte[1 + data.Length];
            small[0] = 0x00;
            data.CopyTo(small[1..]);
            return SHA256.HashData(small);
        }
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(1 + data.Length);
        try
        {
            rented[0] = 0x00;
            data.CopyTo(rented.AsSpan(1));
            return SHA256.HashData(rented.AsSpan(0, 1 + data.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>SHA-256(0x01 || <paramref name="left"/> || <paramref name="right"/>); both must be 32 bytes.</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != Size) throw new ArgumentException($"a node hash child must be {Size} bytes", nameof(left));
        if (right.Length != Size) throw new ArgumentException($"a node hash child must be {Size} bytes", nameof(right));
        Span<byte> buffer = stackalloc byte[1 + 2 * Size];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        return SHA256.HashData(buffer);
    }
}
