using System.Buffers;
using System.Security.Cryptography;

namespace Custos.Crypto.Envelope;

/// <summary>
/// Writes envelopes (format version 1, docs/envelope-format.md): the header, then the plaintext in
/// frames of <c>frameLength</c> bytes, the last one marked final. Streams of any size are encrypted
/// in constant memory (two frame buffers). The data key must be 32 bytes; the caller keeps and
/// disposes it. Misuse throws <see cref="ArgumentException"/>.
/// </summary>
public static class EnvelopeEncryptor
{
    private const EnvelopeSuite Suite = EnvelopeSuite.Aes256GcmHkdfSha256Committing;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (read to its end; need not be seekable) into <paramref name="output"/>.
    /// </summary>
    /// <param name="plaintext">The data to encrypt.</param>
    /// <param name="output">Receives the envelope.</param>
    /// <param name="dek">The 32-byte data key from the server.</param>
    /// <param name="wrappedKeys">1 to 16 wrapped copies of <paramref name="dek"/>.</param>
    /// <param name="context">Encryption context bound to the envelope.</param>
    /// <param name="frameLength">Plaintext bytes per frame, 4096 to 1048576.</param>
    /// <param name="cancellationToken">Cancels reading and writing.</param>
    public static Task EncryptAsync(Stream plaintext, Stream output, SecretBytes dek, IReadOnlyList<WrappedKey> wrappedKeys,
        EncryptionContext context, int frameLength = EnvelopeHeader.DefaultFrameLength, CancellationToken cancellationToken = default) =>
        EncryptAsync(plaintext, output, dek, wrappedKeys, context, frameLength, RandomNumberGenerator.GetBytes(EnvelopeHeader.MessageIdSize), cancellationToken);

    /// <summary>Same, with a chosen message id: for known-answer tests only, a message id must never repeat.</summary>
    internal static async Task EncryptAsync(Stream plaintext, Stream output, SecretBytes dek, IReadOnlyList<WrappedKey> wrappedKeys,
        EncryptionContext context, int frameLength, byte[] messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        Validate(dek, wrappedKeys, context, frameLength, messageId);

        using var cipher = EnvelopeCipher.Derive(dek.Reveal(), messageId, Suite);
        var header = EnvelopeHeader.Create(Suite, messageId, frameLength, context, wrappedKeys, cipher);
        await output.WriteAsync(header.Memory, cancellationToken);

        // Each buffer is one frame: { prefix 9 | data frameLength | tag 16 }. The next frame is read
        // before the current one is written, so the last frame can be marked final on any stream.
        int size = frameLength + EnvelopeCipher.FrameOverhead;
        byte[] current = ArrayPool<byte>.Shared.Rent(size);
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int n = await FillAsync(plaintext, current, frameLength, cancellationToken);
            for (uint seq = 1; ; seq++)
            {
                int m = 0;
                bool final = n < frameLength;
                if (!final)
                {
                    m = await FillAsync(plaintext, next, frameLength, cancellationToken);
                    final = m == 0;
                }
                if (!final && seq == EnvelopeCipher.MaxFrames)
                    throw new ArgumentException("plaintext is longer than an envelope can hold", nameof(plaintext));
                cipher.SealFrame(current.AsSpan(0, n + EnvelopeCipher.FrameOverhead), final, seq, n);
                await output.WriteAsync(current.AsMemory(0, n + EnvelopeCipher.FrameOverhead), cancellationToken);
                if (final) return;
                (current, next) = (next, current);
                n = m;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(current);
            CryptographicOperations.ZeroMemory(next);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>Encrypts a plaintext held in memory and returns the whole envelope.</summary>
    /// <param name="plaintext">The data to encrypt.</param>
    /// <param name="dek">The 32-byte data key from the server.</param>
    /// <param name="wrappedKeys">1 to 16 wrapped copies of <paramref name="dek"/>.</param>
    /// <param name="context">Encryption context bound to the envelope.</param>
    /// <param name="frameLength">Plaintext bytes per frame, 4096 to 1048576.</param>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, SecretBytes dek, IReadOnlyList<WrappedKey> wrappedKeys,
        EncryptionContext context, int frameLength = EnvelopeHeader.DefaultFrameLength) =>
        Encrypt(plaintext, dek, wrappedKeys, context, frameLength, RandomNumberGenerator.GetBytes(EnvelopeHeader.MessageIdSize));

    /// <summary>Same, with a chosen message id: for known-answer tests only.</summary>
    internal static byte[] Encrypt(ReadOnlySpan<byte> plaintext, SecretBytes dek, IReadOnlyList<WrappedKey> wrappedKeys,
        EncryptionContext context, int frameLength, byte[] messageId)
    {
        Validate(dek, wrappedKeys, context, frameLength, messageId);
        using var cipher = EnvelopeCipher.Derive(dek.Reveal(), messageId, Suite);
        var header = EnvelopeHeader.Create(Suite, messageId, frameLength, context, wrappedKeys, cipher);

        // Same framing as the streaming path: ceil(len / frameLength) frames, at least one, the last final.
        int frames = plaintext.Length == 0 ? 1 : (int)(((long)plaintext.Length + frameLength - 1) / frameLength);
        long total = header.Length + (long)frames * EnvelopeCipher.FrameOverhead + plaintext.Length;
        if (total > Array.MaxLength) throw new ArgumentException("plaintext is too large for an in-memory envelope", nameof(plaintext));
        var result = new byte[total];
        header.Bytes.CopyTo(result);
        int pos = header.Length;
        for (int i = 0; i < frames; i++)
        {
            var chunk = plaintext.Slice(i * frameLength, Math.Min(frameLength, plaintext.Length - i * frameLength));
            var frame = result.AsSpan(pos, chunk.Length + EnvelopeCipher.FrameOverhead);
            chunk.CopyTo(frame[EnvelopeCipher.PrefixSize..]);
            cipher.SealFrame(frame, i == frames - 1, (uint)(i + 1), chunk.Length);
            pos += frame.Length;
        }
        return result;
    }

    private static void Validate(SecretBytes dek, IReadOnlyList<WrappedKey> wrappedKeys, EncryptionContext context, int frameLength, byte[] messageId)
    {
        ArgumentNullException.ThrowIfNull(dek);
        ArgumentNullException.ThrowIfNull(wrappedKeys);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(messageId);
        if (dek.Length != EnvelopeCipher.KeySize) throw new ArgumentException("the data key must be 32 bytes", nameof(dek));
        if (wrappedKeys.Count is < 1 or > EnvelopeHeader.MaxWrappedKeys)
            throw new ArgumentException($"an envelope carries 1 to {EnvelopeHeader.MaxWrappedKeys} wrapped keys", nameof(wrappedKeys));
        foreach (var k in wrappedKeys)
            if (k is null) throw new ArgumentException("wrapped keys must not be null", nameof(wrappedKeys));
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, EnvelopeHeader.MinFrameLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLength, EnvelopeHeader.MaxFrameLength);
        if (messageId.Length != EnvelopeHeader.MessageIdSize) throw new ArgumentException("message id must be 32 bytes", nameof(messageId));
    }

    private static async ValueTask<int> FillAsync(Stream source, byte[] frame, int frameLength, CancellationToken ct) =>
        await source.ReadAtLeastAsync(frame.AsMemory(EnvelopeCipher.PrefixSize, frameLength), frameLength, throwOnEndOfStream: false, ct);
}
