using System.Security.Cryptography;

namespace Custos.Crypto.Primitives;

/// <summary>
/// HKDF-SHA-256, RFC 5869, over <see cref="HKDF"/>. Output: 1 to 255 × 32 = 8160 bytes.
/// Salt may be empty (RFC 5869 §2.2: then a string of 32 zero bytes); info may be empty.
/// Misuse (an output length outside that range) throws <see cref="ArgumentException"/>.
/// </summary>
public static class Hkdf
{
    /// <summary>SHA-256 output size in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>Longest output RFC 5869 allows for SHA-256: 255 blocks.</summary>
    public const int MaxOutputSize = 255 * HashSize;

    /// <summary>Derives <paramref name="length"/> bytes of key material into a new <see cref="SecretBytes"/>.</summary>
    public static SecretBytes DeriveKey(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        CheckLength(length, nameof(length));
        var okm = SecretBytes.Allocate(length);
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, okm.RevealForWrite(), salt, info);
            return okm;
        }
        catch
        {
            okm.Dispose();
            throw;
        }
    }

    /// <summary>Derives <c>output.Length</c> bytes of key material into <paramref name="output"/>.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        CheckLength(output.Length, nameof(output));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);
    }

    private static void CheckLength(int length, string paramName)
    {
        if (length < 1 || length > MaxOutputSize)
            throw new ArgumentException($"HKDF-SHA-256 output must be 1 to {MaxOutputSize} bytes (255 × 32), not {length}", paramName);
    }
}
