using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Custos.Crypto.Envelope;

/// <summary>
/// The header of an envelope (format version 1, see docs/envelope-format.md). All integers big-endian:
/// <code>
/// { magic "CUSE" 4 | version u8 = 1 | suite u16 | messageId 32 | frameLength u32
///   | encryptionContext (canonical, ≤ 8192) | wrappedKeyCount u8 (1..16)
///   | ( keyIdLen u8 (1..128) | keyId ascii | keyVersion u32 (≥ 1) | blobLen u16 (1..4096) | blob ) * wrappedKeyCount
///   | commitment 32 | headerTag 16 }
/// </code>
/// Parsing checks the layout and every bound but no cryptography: the commitment and the header tag
/// are checked by <see cref="EnvelopeDecryptor"/> once the data key is known. Nothing here is secret.
/// </summary>
public sealed class EnvelopeHeader
{
    /// <summary>Format version written and accepted.</summary>
    public const byte CurrentVersion = 1;
    /// <summary>Size of the random message id.</summary>
    public const int MessageIdSize = 32;
    /// <summary>Size of the key commitment.</summary>
    public const int CommitmentSize = 32;
    /// <summary>Size of the header tag.</summary>
    public const int TagSize = 16;
    /// <summary>Smallest frame length.</summary>
    public const int MinFrameLength = 4096;
    /// <summary>Largest frame length.</summary>
    public const int MaxFrameLength = 1 << 20;
    /// <summary>Frame length used when none is given.</summary>
    public const int DefaultFrameLength = 65536;
    /// <summary>Most wrapped keys in one header.</summary>
    public const int MaxWrappedKeys = 16;
    /// <summary>Largest possible header, in bytes.</summary>
    public const int MaxLength = FixedLength + EncryptionContext.MaxEncodedBytes + 1
        + MaxWrappedKeys * (1 + WrappedKey.MaxKeyIdLength + 4 + 2 + WrappedKey.MaxBlobLength) + CommitmentSize + TagSize;

    /// <summary>magic | version | suite | messageId | frameLength.</summary>
    private const int FixedLength = 4 + 1 + 2 + MessageIdSize + 4;
    private static ReadOnlySpan<byte> Magic => "CUSE"u8;

    private readonly byte[] _bytes;

    private EnvelopeHeader(byte[] bytes, EnvelopeSuite suite, int frameLength, EncryptionContext context, WrappedKey[] wrappedKeys)
    {
        _bytes = bytes;
        Suite = suite;
        FrameLength = frameLength;
        Context = context;
        WrappedKeys = wrappedKeys;
    }

    /// <summary>Format version (always <see cref="CurrentVersion"/>).</summary>
    public byte Version => _bytes[4];
    /// <summary>Algorithm suite.</summary>
    public EnvelopeSuite Suite { get; }
    /// <summary>The random 32-byte message id.</summary>
    public ReadOnlyMemory<byte> MessageId => _bytes.AsMemory(7, MessageIdSize);
    /// <summary>Plaintext bytes in every regular frame.</summary>
    public int FrameLength { get; }
    /// <summary>The encryption context the envelope is bound to.</summary>
    public EncryptionContext Context { get; }
    /// <summary>Wrapped copies of the data key, in header order.</summary>
    public IReadOnlyList<WrappedKey> WrappedKeys { get; }
    /// <summary>The key commitment.</summary>
    public ReadOnlyMemory<byte> Commitment => _bytes.AsMemory(_bytes.Length - TagSize - CommitmentSize, CommitmentSize);
    /// <summary>The header tag.</summary>
    public ReadOnlyMemory<byte> HeaderTag => _bytes.AsMemory(_bytes.Length - TagSize, TagSize);
    /// <summary>Serialized length in bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>The serialized header (exactly the bytes parsed or written).</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    internal ReadOnlySpan<byte> Bytes => _bytes;
    internal ReadOnlyMemory<byte> Memory => _bytes;
    internal ReadOnlySpan<byte> AuthenticatedBytes => _bytes.AsSpan(0, _bytes.Length - TagSize);

    /// <summary>
    /// Parses the header at the start of <paramref name="envelope"/> (bytes after it are ignored).
    /// Throws <see cref="InvalidCiphertextException"/> when it is malformed or breaks a bound.
    /// </summary>
    public static EnvelopeHeader Parse(ReadOnlySpan<byte> envelope, out int headerLength) =>
        TryParse(envelope, out headerLength) ?? throw new InvalidCiphertextException();

    /// <summary>
    /// Reads exactly the header bytes from <paramref name="stream"/> (need not be seekable), field by
    /// field with every length bound checked before its bytes are read, and never past the header's
    /// end, so decryption can continue on the same stream. Throws <see cref="InvalidCiphertextException"/>
    /// for malformed input or an early end of stream.
    /// </summary>
    public static async Task<EnvelopeHeader> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            var fixedPart = await ReadExactlyAsync(stream, buffer, FixedLength, cancellationToken);
            if (!CheckFixed(fixedPart.Span, out _, out _)) throw new InvalidCiphertextException();

            // Encryption context: count u16, then count × (key len u16 | key | value len u16 | value).
            int contextStart = buffer.WrittenCount;
            int pairs = BinaryPrimitives.ReadUInt16BigEndian((await ReadExactlyAsync(stream, buffer, 2, cancellationToken)).Span);
            if (pairs > EncryptionContext.MaxPairs) throw new InvalidCiphertextException();
            for (int i = 0; i < 2 * pairs; i++)
            {
                int len = BinaryPrimitives.ReadUInt16BigEndian((await ReadExactlyAsync(stream, buffer, 2, cancellationToken)).Span);
                int max = i % 2 == 0 ? EncryptionContext.MaxKeyBytes : EncryptionContext.MaxValueBytes;
                if (len > max || buffer.WrittenCount - contextStart + len > EncryptionContext.MaxEncodedBytes)
                    throw new InvalidCiphertextException();
                await ReadExactlyAsync(stream, buffer, len, cancellationToken);
            }

            int count = (await ReadExactlyAsync(stream, buffer, 1, cancellationToken)).Span[0];
            if (count is < 1 or > MaxWrappedKeys) throw new InvalidCiphertextException();
            for (int i = 0; i < count; i++)
            {
                int idLen = (await ReadExactlyAsync(stream, buffer, 1, cancellationToken)).Span[0];
                if (idLen is < 1 or > WrappedKey.MaxKeyIdLength) throw new InvalidCiphertextException();
                var rest = await ReadExactlyAsync(stream, buffer, idLen + 4 + 2, cancellationToken);
                int blobLen = BinaryPrimitives.ReadUInt16BigEndian(rest.Span[(idLen + 4)..]);
                if (blobLen is < 1 or > WrappedKey.MaxBlobLength) throw new InvalidCiphertextException();
                await ReadExactlyAsync(stream, buffer, blobLen, cancellationToken);
            }
            await ReadExactlyAsync(stream, buffer, CommitmentSize + TagSize, cancellationToken);

            // Full validation on the exact bytes read; the parse must consume all of them.
            var header = TryParse(buffer.WrittenSpan, out int length);
            if (header is null || length != buffer.WrittenCount) throw new InvalidCiphertextException();
            return header;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidCiphertextException();
        }
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadExactlyAsync(Stream stream, ArrayBufferWriter<byte> buffer, int count, CancellationToken ct)
    {
        var target = buffer.GetMemory(count)[..count];
        await stream.ReadExactlyAsync(target, ct);
        buffer.Advance(count);
        return target;
    }

    /// <summary>Serializes a new header (the commitment and tag come from <paramref name="cipher"/>) and binds the cipher to it.</summary>
    internal static EnvelopeHeader Create(EnvelopeSuite suite, ReadOnlySpan<byte> messageId, int frameLength,
        EncryptionContext context, IReadOnlyList<WrappedKey> wrappedKeys, EnvelopeCipher cipher)
    {
        int length = FixedLength + context.Canonical.Length + 1 + CommitmentSize + TagSize;
        foreach (var k in wrappedKeys) length += 1 + k.KeyId.Length + 4 + 2 + k.Blob.Length;
        var bytes = new byte[length];
        var w = bytes.AsSpan();
        Magic.CopyTo(w);
        w[4] = CurrentVersion;
        BinaryPrimitives.WriteUInt16BigEndian(w[5..], (ushort)suite);
        messageId.CopyTo(w.Slice(7, MessageIdSize));
        BinaryPrimitives.WriteUInt32BigEndian(w[39..], (uint)frameLength);
        int pos = FixedLength;
        context.Canonical.CopyTo(w[pos..]);
        pos += context.Canonical.Length;
        w[pos++] = (byte)wrappedKeys.Count;
        foreach (var k in wrappedKeys)
        {
            w[pos++] = (byte)k.KeyId.Length;
            pos += Encoding.ASCII.GetBytes(k.KeyId, w[pos..]);
            BinaryPrimitives.WriteUInt32BigEndian(w[pos..], (uint)k.KeyVersion);
            BinaryPrimitives.WriteUInt16BigEndian(w[(pos + 4)..], (ushort)k.Blob.Length);
            pos += 6;
            k.Blob.Span.CopyTo(w[pos..]);
            pos += k.Blob.Length;
        }
        cipher.Commitment.CopyTo(w[pos..]);
        pos += CommitmentSize;
        cipher.ComputeHeaderTag(w[..pos], w[pos..]);
        var header = TryParse(bytes, out int parsed);
        if (header is null || parsed != length) throw new InvalidOperationException("envelope header did not round-trip");
        cipher.BindHeader(bytes);
        return header;
    }

    private static bool CheckFixed(ReadOnlySpan<byte> src, out EnvelopeSuite suite, out int frameLength)
    {
        suite = default;
        frameLength = 0;
        if (src.Length < FixedLength || !src[..4].SequenceEqual(Magic) || src[4] != CurrentVersion) return false;
        suite = (EnvelopeSuite)BinaryPrimitives.ReadUInt16BigEndian(src[5..]);
        if (suite != EnvelopeSuite.Aes256GcmHkdfSha256Committing) return false;
        uint fl = BinaryPrimitives.ReadUInt32BigEndian(src[39..]);
        if (fl is < MinFrameLength or > MaxFrameLength) return false;
        frameLength = (int)fl;
        return true;
    }

    private static EnvelopeHeader? TryParse(ReadOnlySpan<byte> src, out int headerLength)
    {
        headerLength = 0;
        if (!CheckFixed(src, out var suite, out int frameLength)) return null;
        int pos = FixedLength;
        var context = EncryptionContext.TryDecode(src[pos..], out int contextLength);
        if (context is null) return null;
        pos += contextLength;

        if (src.Length - pos < 1) return null;
        int count = src[pos++];
        if (count is < 1 or > MaxWrappedKeys) return null;
        var keys = new WrappedKey[count];
        for (int i = 0; i < count; i++)
        {
            if (src.Length - pos < 1) return null;
            int idLen = src[pos++];
            if (idLen is < 1 or > WrappedKey.MaxKeyIdLength || src.Length - pos < idLen + 6) return null;
            var keyId = src.Slice(pos, idLen);
            if (!WrappedKey.IsValidKeyId(keyId)) return null;
            pos += idLen;
            uint version = BinaryPrimitives.ReadUInt32BigEndian(src[pos..]);
            int blobLen = BinaryPrimitives.ReadUInt16BigEndian(src[(pos + 4)..]);
            pos += 6;
            if (version is < 1 or > int.MaxValue || blobLen is < 1 or > WrappedKey.MaxBlobLength || src.Length - pos < blobLen) return null;
            keys[i] = new WrappedKey(Encoding.ASCII.GetString(keyId), (int)version, src.Slice(pos, blobLen));
            pos += blobLen;
        }
        if (src.Length - pos < CommitmentSize + TagSize) return null;
        pos += CommitmentSize + TagSize;
        headerLength = pos;
        return new EnvelopeHeader(src[..pos].ToArray(), suite, frameLength, context, keys);
    }
}
