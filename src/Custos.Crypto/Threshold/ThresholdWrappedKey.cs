using System.Security.Cryptography;
using Custos.Crypto.Primitives;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — a data key wrapped to a threshold public key Y (ECIES, SEC 1 v2 §5.1, in the style of HPKE
/// RFC 9180: DHKEM-like encapsulation, HKDF-SHA-256, AES-256-GCM). Wrapping needs only Y; unwrapping needs
/// s·E, which k custodians compute together (<see cref="ThresholdCombiner"/>), so no custodian is asked to wrap.
/// <code>
/// e, E   = fresh P-256 key pair (e uniform in [1, n−1]); E = e·G
/// Z      = x-coordinate of e·Y  (= x-coordinate of s·E), 32 bytes
/// bind   = { keyIdLen u8 (1..255) | keyId | keyVersion u32 (≥ 1) | contextLen u16 | context }
/// info   = "custos/threshold-wrap/v1" | E 33 | Y 33 | SHA-256(bind) 32       (122 bytes)
/// key    = HKDF-SHA-256(ikm Z, salt empty, info, 32)
/// blob   = { version 1 = 0x01 | E 33 (SEC 1 compressed) | nonce 12 (random) | ciphertext (16..64) | tag 16 }
/// aad    = blob[0..46] (version | E | nonce) | bind
/// ciphertext, tag = AES-256-GCM(key, nonce, DEK, aad)
/// </code>
/// Key id, key version and the encryption context's canonical bytes are bound twice (by hash in the KDF info, in
/// full in the AAD), E and Y in the KDF, so a blob opens only for that key version and context. The info carries
/// SHA-256(bind) rather than bind because OpenSSL 3.0's HKDF, under .NET's <c>HKDF</c>, refuses info longer than
/// 1024 bytes and a context may be 8 KiB. Every failure to open is
/// <see cref="UnwrapError.InvalidCiphertext"/>, with no detail. Blob size: 62 + DEK length (78 … 126 bytes).
/// </summary>
public sealed class ThresholdWrappedKey
{
    /// <summary>The format version byte.</summary>
    public const byte FormatVersion = 1;
    /// <summary>Shortest data key that can be wrapped.</summary>
    public const int MinKeyLength = 16;
    /// <summary>Longest data key that can be wrapped.</summary>
    public const int MaxKeyLength = 64;
    /// <summary>Bytes the wrap adds to the data key.</summary>
    public const int Overhead = HeaderSize + Aead.TagSize;

    private const int HeaderSize = 1 + P256Point.CompressedSize + Aead.NonceSize;
    private static ReadOnlySpan<byte> InfoLabel => "custos/threshold-wrap/v1"u8;

    private readonly byte[] _blob;

    private ThresholdWrappedKey(byte[] blob, P256Point ephemeral)
    {
        _blob = blob;
        Ephemeral = ephemeral;
    }

    /// <summary>E, the ephemeral public key: what the combiner sends the custodians.</summary>
    public P256Point Ephemeral { get; }

    /// <summary>The blob's length in bytes.</summary>
    public int Length => _blob.Length;

    /// <summary>The blob (see the class comment).</summary>
    public byte[] Encode() => (byte[])_blob.Clone();

    private ReadOnlySpan<byte> Header => _blob.AsSpan(0, HeaderSize);
    private ReadOnlySpan<byte> Nonce => _blob.AsSpan(1 + P256Point.CompressedSize, Aead.NonceSize);
    private ReadOnlySpan<byte> Ciphertext => _blob.AsSpan(HeaderSize, _blob.Length - HeaderSize - Aead.TagSize);
    private ReadOnlySpan<byte> Tag => _blob.AsSpan(_blob.Length - Aead.TagSize);

    /// <summary>
    /// Wraps <paramref name="dek"/> (16 to 64 bytes) to <paramref name="publicKey"/> for key <paramref name="keyId"/>
    /// (1 to 255 bytes) version <paramref name="keyVersion"/> (≥ 1) and <paramref name="context"/> (canonical
    /// encryption-context bytes). Misuse throws <see cref="ArgumentException"/>.
    /// </summary>
    public static ThresholdWrappedKey Wrap(P256Point publicKey, ReadOnlySpan<byte> dek, ReadOnlySpan<byte> keyId, int keyVersion, ReadOnlySpan<byte> context)
    {
        using var ephemeral = SecretBytes.Allocate(P256.ScalarSize);
        P256.RandomScalar(ephemeral.RevealForWrite());
        Span<byte> nonce = stackalloc byte[Aead.NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Wrap(publicKey, dek, keyId, keyVersion, context, ephemeral.Reveal(), nonce);
    }

    /// <summary>As above with a given ephemeral scalar and nonce: only for known-answer tests.</summary>
    internal static ThresholdWrappedKey Wrap(P256Point publicKey, ReadOnlySpan<byte> dek, ReadOnlySpan<byte> keyId, int keyVersion,
        ReadOnlySpan<byte> context, ReadOnlySpan<byte> ephemeralScalar, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (dek.Length is < MinKeyLength or > MaxKeyLength) throw new ArgumentException($"a data key is {MinKeyLength} to {MaxKeyLength} bytes", nameof(dek));
        if (!P256.IsCanonicalNonZero(ephemeralScalar)) throw new ArgumentException("the ephemeral scalar must be in [1, n−1]", nameof(ephemeralScalar));
        if (nonce.Length != Aead.NonceSize) throw new ArgumentException("the nonce is 12 bytes", nameof(nonce));
        var bind = KeyBinding.Bind(keyId, keyVersion, context);

        var e = P256.ToScalar(ephemeralScalar);
        var ephemeral = P256Point.FromComputation(P256.MultiplyBase(e));
        var shared = P256Point.FromComputation(P256.MultiplySecret(publicKey.Value, e));

        var blob = new byte[HeaderSize + dek.Length + Aead.TagSize];
        blob[0] = FormatVersion;
        ephemeral.Encode(blob.AsSpan(1, P256Point.CompressedSize));
        nonce.CopyTo(blob.AsSpan(1 + P256Point.CompressedSize));
        using var key = DeriveKey(shared, ephemeral, publicKey, bind);
        var aad = Aad(blob.AsSpan(0, HeaderSize), bind);
        Aead.Encrypt(key.Reveal(), nonce, dek, aad, blob.AsSpan(HeaderSize, dek.Length), blob.AsSpan(HeaderSize + dek.Length));
        return new ThresholdWrappedKey(blob, ephemeral);
    }

    /// <summary>Parses a blob and validates its ephemeral point; null when it is malformed. Parsing does not authenticate.</summary>
    public static ThresholdWrappedKey? TryParse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < Overhead + MinKeyLength || blob.Length > Overhead + MaxKeyLength || blob[0] != FormatVersion) return null;
        var point = blob.Slice(1, P256Point.CompressedSize);
        if (point[0] is not (0x02 or 0x03) || P256Point.TryDecode(point) is not { } ephemeral) return null;
        return new ThresholdWrappedKey(blob.ToArray(), ephemeral);
    }

    /// <summary>
    /// Opens the blob with the shared point <paramref name="shared"/> = s·E; null when it does not authenticate
    /// (wrong shared point, key, version or context, or a changed blob).
    /// </summary>
    internal SecretBytes? TryUnwrap(P256Point publicKey, P256Point shared, ReadOnlySpan<byte> keyId, int keyVersion, ReadOnlySpan<byte> context)
    {
        var bind = KeyBinding.Bind(keyId, keyVersion, context);
        using var key = DeriveKey(shared, Ephemeral, publicKey, bind);
        var dek = SecretBytes.Allocate(Ciphertext.Length);
        if (Aead.TryDecrypt(key.Reveal(), Nonce, Ciphertext, Tag, Aad(Header, bind), dek.RevealForWrite())) return dek;
        dek.Dispose();
        return null;
    }

    private static SecretBytes DeriveKey(P256Point shared, P256Point ephemeral, P256Point publicKey, byte[] bind)
    {
        var z = shared.Value.AffineXCoord.GetEncoded();
        Span<byte> info = stackalloc byte[InfoLabel.Length + 2 * P256Point.CompressedSize + SHA256.HashSizeInBytes];
        InfoLabel.CopyTo(info);
        ephemeral.Encode(info.Slice(InfoLabel.Length, P256Point.CompressedSize));
        publicKey.Encode(info.Slice(InfoLabel.Length + P256Point.CompressedSize, P256Point.CompressedSize));
        SHA256.HashData(bind, info[(InfoLabel.Length + 2 * P256Point.CompressedSize)..]);
        try { return Hkdf.DeriveKey(z, [], info, Aead.KeySize); }
        finally { CryptographicOperations.ZeroMemory(z); }
    }

    private static byte[] Aad(ReadOnlySpan<byte> header, byte[] bind) => [.. header, .. bind];

    /// <inheritdoc />
    public override string ToString() => $"threshold-wrapped key v{FormatVersion} ({_blob.Length} bytes, E {Ephemeral})";
}
