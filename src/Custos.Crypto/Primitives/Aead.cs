using System.Security.Cryptography;

namespace Custos.Crypto.Primitives;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) with 96-bit nonces and 128-bit tags, the only parameters Custos uses.
/// Sealed-box layout for <see cref="Seal"/>/<see cref="Open"/>: <c>{ nonce 12 | ciphertext | tag 16 }</c>.
/// Misuse (wrong key or nonce size) throws; an authentication failure returns false or null.
/// </summary>
public static class Aead
{
    /// <summary>Key size in bytes.</summary>
    public const int KeySize = 32;
    /// <summary>Nonce size in bytes.</summary>
    public const int NonceSize = 12;
    /// <summary>Tag size in bytes.</summary>
    public const int TagSize = 16;
    /// <summary>Bytes a sealed box adds to the plaintext.</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Encrypts with an explicit nonce. The key must be 16, 24 or 32 bytes; the nonce 12.</summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> aad, Span<byte> ciphertext, Span<byte> tag)
    {
        CheckSizes(key, nonce);
        if (tag.Length != TagSize) throw new ArgumentException("tag must be 16 bytes", nameof(tag));
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, aad);
    }

    /// <summary>Decrypts with an explicit nonce; false (and <paramref name="plaintext"/> zeroed) when authentication fails.</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad, Span<byte> plaintext)
    {
        CheckSizes(key, nonce);
        if (tag.Length != TagSize) return false;
        using var gcm = new AesGcm(key, TagSize);
        try
        {
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    /// <summary>Encrypts under a fresh random nonce and returns the sealed box.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        var box = new byte[Overhead + plaintext.Length];
        var nonce = box.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Encrypt(key, nonce, plaintext, aad, box.AsSpan(NonceSize, plaintext.Length), box.AsSpan(NonceSize + plaintext.Length));
        return box;
    }

    /// <summary>Opens a sealed box; null when it is malformed or does not authenticate.</summary>
    public static SecretBytes? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> box, ReadOnlySpan<byte> aad)
    {
        if (box.Length < Overhead) return null;
        int len = box.Length - Overhead;
        var plaintext = SecretBytes.Allocate(len);
        if (TryDecrypt(key, box[..NonceSize], box.Slice(NonceSize, len), box[(NonceSize + len)..], aad, plaintext.RevealForWrite()))
            return plaintext;
        plaintext.Dispose();
        return null;
    }

    private static void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        if (key.Length is not (16 or 24 or 32)) throw new ArgumentException("AES key must be 16, 24 or 32 bytes", nameof(key));
        if (nonce.Length != NonceSize) throw new ArgumentException("GCM nonce must be 12 bytes", nameof(nonce));
    }
}
