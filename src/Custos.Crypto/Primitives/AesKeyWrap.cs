using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Primitives;

/// <summary>
/// AES key wrap, with and without padding.
/// <list type="bullet">
/// <item>KW: RFC 3394 (NIST SP 800-38F KW), default IV <c>A6A6A6A6A6A6A6A6</c>. Key data: a multiple of
/// 8 bytes, at least 16. Output: key data + 8 bytes. Wrapped input: a multiple of 8, at least 24 bytes.
/// Backed by BouncyCastle's <c>AesWrapEngine</c>, since .NET has no unpadded key wrap.</item>
/// <item>KWP: RFC 5649 (NIST SP 800-38F KWP), IV <c>A65959A6 || 32-bit MLI</c>. Key data: 1 byte or more.
/// Output: key data padded to a multiple of 8, + 8 bytes. Backed by .NET's
/// <see cref="Aes.EncryptKeyWrapPadded(ReadOnlySpan{byte})"/>.</item>
/// </list>
/// KEK: 16, 24 or 32 bytes. Misuse (bad KEK size, key data of a size the RFC cannot wrap) throws
/// <see cref="ArgumentException"/>; unwrapping bad or tampered input returns null and never throws.
/// </summary>
public static class AesKeyWrap
{
    /// <summary>Bytes a wrap adds to the (padded) key data: the 64-bit integrity block.</summary>
    public const int Overhead = 8;

    /// <summary>Smallest key data RFC 3394 wraps: two 64-bit blocks.</summary>
    public const int MinKeyDataSize = 16;

    /// <summary>Largest key data either mode accepts here; far above any key, it bounds the work an input can cause.</summary>
    public const int MaxKeyDataSize = 64 * 1024;

    /// <summary>RFC 3394 wrap of <paramref name="keyData"/> (a multiple of 8 bytes, at least 16) under <paramref name="kek"/>.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        CheckKek(kek);
        if (keyData.Length < MinKeyDataSize || keyData.Length % 8 != 0 || keyData.Length > MaxKeyDataSize)
            throw new ArgumentException($"AES-KW key data must be a multiple of 8 bytes, {MinKeyDataSize} to {MaxKeyDataSize}", nameof(keyData));

        byte[] kekCopy = kek.ToArray();
        byte[] input = keyData.ToArray();
        try
        {
            var engine = new AesWrapEngine();
            engine.Init(true, new KeyParameter(kekCopy));
            return engine.Wrap(input, 0, input.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kekCopy);
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>RFC 3394 unwrap; null when <paramref name="wrapped"/> has a bad length or fails the integrity check.</summary>
    public static SecretBytes? Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        CheckKek(kek);
        if (wrapped.Length < MinKeyDataSize + Overhead || wrapped.Length % 8 != 0 || wrapped.Length > MaxKeyDataSize + Overhead)
            return null;

        byte[] kekCopy = kek.ToArray();
        byte[]? plain = null;
        try
        {
            var engine = new AesWrapEngine();
            engine.Init(false, new KeyParameter(kekCopy));
            plain = engine.Unwrap(wrapped.ToArray(), 0, wrapped.Length);
            return SecretBytes.CopyFrom(plain);
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kekCopy);
            if (plain is not null) CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>RFC 5649 wrap of <paramref name="keyData"/> (1 byte or more) under <paramref name="kek"/>.</summary>
    public static byte[] WrapPadded(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        CheckKek(kek);
        if (keyData.IsEmpty || keyData.Length > MaxKeyDataSize)
            throw new ArgumentException($"AES-KWP key data must be 1 to {MaxKeyDataSize} bytes", nameof(keyData));
        using var aes = Aes.Create();
        aes.SetKey(kek);
        return aes.EncryptKeyWrapPadded(keyData);
    }

    /// <summary>RFC 5649 unwrap; null when <paramref name="wrapped"/> has a bad length, bad padding or fails the integrity check.</summary>
    public static SecretBytes? UnwrapPadded(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        CheckKek(kek);
        // At least one block of (padded) key data plus the integrity block; always a multiple of 8.
        if (wrapped.Length < 2 * 8 || wrapped.Length % 8 != 0 || wrapped.Length > MaxKeyDataSize + Overhead)
            return null;

        byte[] buffer = GC.AllocateArray<byte>(wrapped.Length, pinned: true);
        try
        {
            using var aes = Aes.Create();
            aes.SetKey(kek);
            int written = aes.DecryptKeyWrapPadded(wrapped, buffer);
            return SecretBytes.CopyFrom(buffer.AsSpan(0, written));
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static void CheckKek(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
            throw new ArgumentException("AES key-encryption key must be 16, 24 or 32 bytes", nameof(kek));
    }
}
