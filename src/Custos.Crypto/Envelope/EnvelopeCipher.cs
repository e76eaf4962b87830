using System.Buffers.Binary;
using System.Security.Cryptography;
using Custos.Crypto.Primitives;

namespace Custos.Crypto.Envelope;

/// <summary>
/// The cryptography of one envelope (suite 0x0001), shared by encryptor and decryptor:
/// <list type="bullet">
/// <item>contentKey = HKDF-SHA-256(DEK, salt = messageId, info = "custos/envelope/v1/content-key" || suite u16), 32 bytes;</item>
/// <item>commitment = HKDF-SHA-256(DEK, salt = messageId, info = "custos/envelope/v1/commitment" || suite u16), 32 bytes;</item>
/// <item>nonce(seq) = 8 zero bytes || seq u32 (the header tag uses seq 0);</item>
/// <item>frame AAD = SHA-256(header incl. tag) || flag u8 || seq u32 || length u32.</item>
/// </list>
/// Frames are laid out <c>{ flag u8 | seq u32 | length u32 | ciphertext[length] | tag 16 }</c>.
/// Holds one <see cref="AesGcm"/> for the whole message; the content key itself is zeroed as soon as
/// the <see cref="AesGcm"/> has been keyed. Not thread-safe.
/// </summary>
internal sealed class EnvelopeCipher : IDisposable
{
    /// <summary>flag u8 | seq u32 | length u32.</summary>
    public const int PrefixSize = 9;
    /// <summary>Bytes a frame adds to its plaintext.</summary>
    public const int FrameOverhead = PrefixSize + Aead.TagSize;
    /// <summary>Size of the DEK, the content key and the commitment.</summary>
    public const int KeySize = Aead.KeySize;
    /// <summary>Largest frame sequence number, hence most frames per message.</summary>
    public const uint MaxFrames = 0xFFFF_FFFE;
    /// <summary>Flag of a regular frame.</summary>
    public const byte RegularFlag = 0x00;
    /// <summary>Flag of the final frame.</summary>
    public const byte FinalFlag = 0x01;

    private const int HashSize = 32;

    private readonly AesGcm _gcm;
    private readonly byte[] _commitment;
    private readonly byte[] _nonce = new byte[Aead.NonceSize];
    // { SHA-256(header) 32 | flag 1 | seq 4 | length 4 }
    private readonly byte[] _aad = new byte[HashSize + PrefixSize];
    private bool _headerBound;

    private EnvelopeCipher(AesGcm gcm, byte[] commitment)
    {
        _gcm = gcm;
        _commitment = commitment;
    }

    /// <summary>Derives content key and commitment from a 32-byte DEK and the message id.</summary>
    public static EnvelopeCipher Derive(ReadOnlySpan<byte> dek, ReadOnlySpan<byte> messageId, EnvelopeSuite suite)
    {
        if (dek.Length != KeySize) throw new ArgumentException("the data key must be 32 bytes", nameof(dek));
        if (suite != EnvelopeSuite.Aes256GcmHkdfSha256Committing) throw new ArgumentOutOfRangeException(nameof(suite));
        Span<byte> contentKey = stackalloc byte[KeySize];
        Span<byte> info = stackalloc byte[64];
        var commitment = new byte[KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, dek, contentKey, messageId, Info("custos/envelope/v1/content-key"u8, suite, info));
            HKDF.DeriveKey(HashAlgorithmName.SHA256, dek, commitment, messageId, Info("custos/envelope/v1/commitment"u8, suite, info));
            return new EnvelopeCipher(new AesGcm(contentKey, Aead.TagSize), commitment);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    private static ReadOnlySpan<byte> Info(ReadOnlySpan<byte> label, EnvelopeSuite suite, Span<byte> buffer)
    {
        label.CopyTo(buffer);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[label.Length..], (ushort)suite);
        return buffer[..(label.Length + 2)];
    }

    /// <summary>The commitment to write into (or compare with) the header.</summary>
    public ReadOnlySpan<byte> Commitment => _commitment;

    /// <summary>Constant-time comparison with the header's commitment.</summary>
    public bool CommitmentMatches(ReadOnlySpan<byte> commitment) =>
        CryptographicOperations.FixedTimeEquals(_commitment, commitment);

    /// <summary>Computes the header tag over <paramref name="headerWithoutTag"/>.</summary>
    public void ComputeHeaderTag(ReadOnlySpan<byte> headerWithoutTag, Span<byte> tag)
    {
        SetNonce(0);
        _gcm.Encrypt(_nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, headerWithoutTag);
    }

    /// <summary>Verifies the header tag over <paramref name="headerWithoutTag"/>.</summary>
    public bool VerifyHeaderTag(ReadOnlySpan<byte> headerWithoutTag, ReadOnlySpan<byte> tag)
    {
        SetNonce(0);
        try
        {
            _gcm.Decrypt(_nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, headerWithoutTag);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>Binds all following frames to the complete header (including its tag).</summary>
    public void BindHeader(ReadOnlySpan<byte> header)
    {
        SHA256.HashData(header, _aad.AsSpan(0, HashSize));
        _headerBound = true;
    }

    /// <summary>
    /// Seals one frame in place: <paramref name="frame"/> holds the plaintext at offset
    /// <see cref="PrefixSize"/> and is exactly <paramref name="length"/> + <see cref="FrameOverhead"/> long.
    /// Writes the prefix, replaces the plaintext with ciphertext and appends the tag.
    /// </summary>
    public void SealFrame(Span<byte> frame, bool final, uint seq, int length)
    {
        if (frame.Length != length + FrameOverhead) throw new ArgumentException("frame buffer has the wrong size", nameof(frame));
        frame[0] = final ? FinalFlag : RegularFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(frame[5..], (uint)length);
        PrepareFrame(frame[..PrefixSize], seq);
        var data = frame.Slice(PrefixSize, length);
        _gcm.Encrypt(_nonce, data, data, frame[(PrefixSize + length)..], _aad);
    }

    /// <summary>
    /// Verifies and decrypts one frame whose prefix has already been checked with <see cref="TryReadPrefix"/>.
    /// <paramref name="plaintext"/> may be exactly the ciphertext region of <paramref name="frame"/> (in place).
    /// False, with <paramref name="plaintext"/> zeroed, when the tag does not verify.
    /// </summary>
    public bool TryOpenFrame(ReadOnlySpan<byte> frame, Span<byte> plaintext)
    {
        int length = frame.Length - FrameOverhead;
        if (length < 0 || plaintext.Length != length) return false;
        PrepareFrame(frame[..PrefixSize], BinaryPrimitives.ReadUInt32BigEndian(frame[1..]));
        try
        {
            _gcm.Decrypt(_nonce, frame.Slice(PrefixSize, length), frame[(PrefixSize + length)..], plaintext, _aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    /// <summary>
    /// Checks a frame prefix against the expected sequence number and the frame length:
    /// flag 0 or 1, seq equal to <paramref name="expectedSeq"/>, length exactly
    /// <paramref name="frameLength"/> for a regular frame and at most that for the final frame.
    /// </summary>
    public static bool TryReadPrefix(ReadOnlySpan<byte> prefix, uint expectedSeq, int frameLength, out bool final, out int length)
    {
        final = false;
        length = 0;
        if (prefix.Length < PrefixSize) return false;
        byte flag = prefix[0];
        uint seq = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        uint len = BinaryPrimitives.ReadUInt32BigEndian(prefix[5..]);
        if (flag is not (RegularFlag or FinalFlag) || seq != expectedSeq) return false;
        final = flag == FinalFlag;
        if (final ? len > (uint)frameLength : len != (uint)frameLength) return false;
        length = (int)len;
        return true;
    }

    private void PrepareFrame(ReadOnlySpan<byte> prefix, uint seq)
    {
        if (!_headerBound) throw new InvalidOperationException("the header must be bound before frames");
        if (seq is 0 or > MaxFrames) throw new InvalidOperationException("frame sequence number out of range");
        SetNonce(seq);
        prefix.CopyTo(_aad.AsSpan(HashSize));
    }

    private void SetNonce(uint seq)
    {
        Array.Clear(_nonce);
        BinaryPrimitives.WriteUInt32BigEndian(_nonce.AsSpan(8), seq);
    }

    /// <summary>Frees the keyed AES-GCM state.</summary>
    public void Dispose() => _gcm.Dispose();
}
