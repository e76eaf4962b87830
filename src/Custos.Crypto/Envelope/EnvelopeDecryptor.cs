using System.Buffers;
using System.Security.Cryptography;

namespace Custos.Crypto.Envelope;

/// <summary>
/// Reads envelopes (format version 1, docs/envelope-format.md). Checks, in order: data key length,
/// encryption context, key commitment (constant time, before the content key is used), header tag,
/// then each frame (flag, sequence number, length, tag) and that nothing follows the final frame.
/// A frame's plaintext is written only after its tag verified; the final frame's only once the end
/// of the input is confirmed. Every failure is the same <see cref="InvalidCiphertextException"/>.
/// Output written before a failure is incomplete and must be discarded by the caller.
/// </summary>
public static class EnvelopeDecryptor
{
    /// <summary>
    /// Decrypts the body that follows <paramref name="header"/> on <paramref name="ciphertextAfterHeader"/>
    /// (typically the same stream <see cref="EnvelopeHeader.ReadAsync"/> read the header from), in constant memory.
    /// </summary>
    /// <param name="header">The header, as read by <see cref="EnvelopeHeader.ReadAsync"/> or <see cref="EnvelopeHeader.Parse"/>.</param>
    /// <param name="ciphertextAfterHeader">The frames, read to their end; need not be seekable.</param>
    /// <param name="output">Receives the plaintext of verified frames.</param>
    /// <param name="dek">The data key unwrapped from one of the header's wrapped keys.</param>
    /// <param name="expectedContext">The encryption context the caller expects; must equal the header's.</param>
    /// <param name="cancellationToken">Cancels reading and writing.</param>
    public static async Task DecryptAsync(EnvelopeHeader header, Stream ciphertextAfterHeader, Stream output, SecretBytes dek,
        EncryptionContext expectedContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertextAfterHeader);
        ArgumentNullException.ThrowIfNull(output);
        using var cipher = OpenHeader(header, dek, expectedContext);
        int frameLength = header.FrameLength;

        // { prefix 9 | ciphertext frameLength | tag 16 | 1 byte to probe for trailing data }, decrypted in place.
        int size = frameLength + EnvelopeCipher.FrameOverhead;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size + 1);
        try
        {
            for (uint seq = 1; ; seq++)
            {
                // One read of up to a whole regular frame: a regular frame is exactly that long, so a shorter read can
                // only be the final frame, and bytes beyond a shorter final frame are trailing data.
                int got = await ciphertextAfterHeader.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken);
                if (got < EnvelopeCipher.PrefixSize || !EnvelopeCipher.TryReadPrefix(buffer, seq, frameLength, out bool final, out int length))
                    throw new InvalidCiphertextException();
                int frameSize = length + EnvelopeCipher.FrameOverhead;
                if (got != frameSize) throw new InvalidCiphertextException(); // truncated, or data after a short final frame
                if (!cipher.TryOpenFrame(buffer.AsSpan(0, frameSize), buffer.AsSpan(EnvelopeCipher.PrefixSize, length)))
                    throw new InvalidCiphertextException();
                if (final)
                {
                    if (await ciphertextAfterHeader.ReadAsync(buffer.AsMemory(size, 1), cancellationToken) != 0)
                        throw new InvalidCiphertextException();
                    await output.WriteAsync(buffer.AsMemory(EnvelopeCipher.PrefixSize, length), cancellationToken);
                    return;
                }
                if (seq == EnvelopeCipher.MaxFrames) throw new InvalidCiphertextException();
                await output.WriteAsync(buffer.AsMemory(EnvelopeCipher.PrefixSize, length), cancellationToken);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Decrypts a whole envelope held in memory. The plaintext is returned only when every frame verified;
    /// on failure the partial plaintext is zeroed.
    /// </summary>
    /// <param name="envelope">Header and frames.</param>
    /// <param name="dek">The data key unwrapped from one of the header's wrapped keys.</param>
    /// <param name="expectedContext">The encryption context the caller expects; must equal the header's.</param>
    public static byte[] Decrypt(ReadOnlySpan<byte> envelope, SecretBytes dek, EncryptionContext expectedContext)
    {
        var header = EnvelopeHeader.Parse(envelope, out int headerLength);
        using var cipher = OpenHeader(header, dek, expectedContext);
        var body = envelope[headerLength..];
        int frameLength = header.FrameLength;

        // The body is r regular frames of frameLength + 25 bytes and one final frame of 25..frameLength + 25
        // bytes, so its length alone fixes r and the plaintext length; the frames must then agree.
        if (body.Length < EnvelopeCipher.FrameOverhead) throw new InvalidCiphertextException();
        long regular = (body.Length - EnvelopeCipher.FrameOverhead) / (frameLength + EnvelopeCipher.FrameOverhead);
        int finalLength = (int)(body.Length - EnvelopeCipher.FrameOverhead - regular * (frameLength + EnvelopeCipher.FrameOverhead));
        if (finalLength > frameLength) throw new InvalidCiphertextException();
        var plaintext = new byte[regular * frameLength + finalLength];
        try
        {
            int pos = 0;
            for (uint seq = 1; seq <= regular + 1; seq++)
            {
                if (!EnvelopeCipher.TryReadPrefix(body[pos..], seq, frameLength, out bool final, out int length)
                    || final != (seq == regular + 1) || (final && length != finalLength))
                    throw new InvalidCiphertextException();
                var frame = body.Slice(pos, length + EnvelopeCipher.FrameOverhead);
                if (!cipher.TryOpenFrame(frame, plaintext.AsSpan((int)((seq - 1) * (long)frameLength), length)))
                    throw new InvalidCiphertextException();
                pos += frame.Length;
            }
            return plaintext;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }

    /// <summary>Checks key length, context, commitment and header tag, in that order; returns a cipher bound to the header.</summary>
    private static EnvelopeCipher OpenHeader(EnvelopeHeader header, SecretBytes dek, EncryptionContext expectedContext)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(dek);
        ArgumentNullException.ThrowIfNull(expectedContext);
        if (dek.Length != EnvelopeCipher.KeySize || !header.Context.Equals(expectedContext))
            throw new InvalidCiphertextException();
        var cipher = EnvelopeCipher.Derive(dek.Reveal(), header.MessageId.Span, header.Suite);
        try
        {
            if (!cipher.CommitmentMatches(header.Commitment.Span) || !cipher.VerifyHeaderTag(header.AuthenticatedBytes, header.HeaderTag.Span))
                throw new InvalidCiphertextException();
            cipher.BindHeader(header.Bytes);
            return cipher;
        }
        catch
        {
            cipher.Dispose();
            throw;
        }
    }
}
