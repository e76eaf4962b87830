using System.Buffers.Binary;

namespace Custos.Crypto.Threshold;

/// <summary>
/// The bytes that tie a wrap or a partial decryption to one key version and (for wraps) one encryption context:
/// <code>
/// keyRef = { keyIdLen u8 (1..255) | keyId | keyVersion u32 big-endian (≥ 1) }
/// bind   = keyRef | { contextLen u16 big-endian | context (canonical EncryptionContext bytes, 0..65535) }
/// </code>
/// Length prefixes make both encodings injective. Bad lengths or a version below 1 are misuse and throw.
/// </summary>
internal static class KeyBinding
{
    public const int MaxKeyIdLength = 255;
    public const int MaxContextLength = ushort.MaxValue;

    public static byte[] KeyReference(ReadOnlySpan<byte> keyId, int keyVersion)
    {
        Check(keyId, keyVersion);
        var b = new byte[1 + keyId.Length + 4];
        Write(b, keyId, keyVersion);
        return b;
    }

    public static byte[] Bind(ReadOnlySpan<byte> keyId, int keyVersion, ReadOnlySpan<byte> context)
    {
        Check(keyId, keyVersion);
        if (context.Length > MaxContextLength) throw new ArgumentException($"the encryption context is at most {MaxContextLength} bytes", nameof(context));
        var b = new byte[1 + keyId.Length + 4 + 2 + context.Length];
        int p = Write(b, keyId, keyVersion);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(p), (ushort)context.Length);
        context.CopyTo(b.AsSpan(p + 2));
        return b;
    }

    private static int Write(Span<byte> b, ReadOnlySpan<byte> keyId, int keyVersion)
    {
        b[0] = (byte)keyId.Length;
        keyId.CopyTo(b[1..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[(1 + keyId.Length)..], (uint)keyVersion);
        return 1 + keyId.Length + 4;
    }

    private static void Check(ReadOnlySpan<byte> keyId, int keyVersion)
    {
        if (keyId.Length is < 1 or > MaxKeyIdLength) throw new ArgumentException($"a key id is 1 to {MaxKeyIdLength} bytes", nameof(keyId));
        ArgumentOutOfRangeException.ThrowIfLessThan(keyVersion, 1);
    }
}
