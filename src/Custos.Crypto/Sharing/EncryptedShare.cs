using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Custos.Crypto.Primitives;
using Custos.Crypto.Signing;

namespace Custos.Crypto.Sharing;

/// <summary>
/// Spec card — an unseal share encrypted to one ceremony operator's P-256 public key (ECIES; SEC 1 §5.1
/// with HKDF and AES-GCM), so that the person who runs the initialisation never sees it in clear:
/// <code>
/// e, E   = fresh P-256 key pair; E as an uncompressed SEC 1 point (65 bytes: 0x04 | X | Y)
/// Z      = x-coordinate of e · R, R the operator's public key (32 bytes)
/// fp     = SHA-256(R as DER SubjectPublicKeyInfo), the operator key's fingerprint
/// okm    = HKDF-SHA-256(ikm Z, salt empty, info "custos/encrypted-share/v1" | E | fp, 44 bytes)
/// key    = okm[0..32], nonce = okm[32..44]   (fresh per share: e is never reused)
/// header = { version 1 = 0x01 | idLen 1 (1..64) | ceremony id ASCII | nameLen 1 (1..64) | operator ASCII | fp 32 | E 65 }
/// body   = AES-256-GCM(key, nonce, share, aad = header) = { ciphertext (1..512) | tag 16 }
/// </code>
/// The header is authenticated, so a share cannot be moved to another ceremony or operator. Text form:
/// <c>"custos-encrypted-share-v1:" + base64url(header | body)</c>, unpadded, one line. Opening with the
/// wrong key, or after any change, yields null and no detail.
/// </summary>
public sealed class EncryptedShare
{
    /// <summary>The prefix of the text form.</summary>
    public const string TextPrefix = "custos-encrypted-share-v1:";
    /// <summary>Largest share (plaintext) accepted, in bytes.</summary>
    public const int MaxShareLength = 512;
    /// <summary>Longest ceremony id or operator name, in ASCII characters.</summary>
    public const int MaxNameLength = 64;

    private const byte FormatVersion = 1;
    private const int FingerprintSize = 32;
    private const int PointSize = 65;
    private const int CoordinateSize = 32;
    private static readonly byte[] InfoLabel = Encoding.ASCII.GetBytes("custos/encrypted-share/v1");
    private static readonly int MaxBinaryLength = 3 + 2 * MaxNameLength + FingerprintSize + PointSize + MaxShareLength + Aead.TagSize;

    private readonly byte[] _header;
    private readonly byte[] _body;

    private EncryptedShare(string ceremonyId, string operatorName, byte[] header, byte[] body)
    {
        CeremonyId = ceremonyId;
        Operator = operatorName;
        _header = header;
        _body = body;
    }

    /// <summary>The ceremony the share was handed out in (authenticated).</summary>
    public string CeremonyId { get; }

    /// <summary>The operator it was encrypted to (authenticated).</summary>
    public string Operator { get; }

    /// <summary>Fingerprint (SHA-256 of the SPKI, lower-case hex) of the key that opens it.</summary>
    public string RecipientFingerprint => Convert.ToHexStringLower(Fingerprint);

    private ReadOnlySpan<byte> Fingerprint => _header.AsSpan(_header.Length - PointSize - FingerprintSize, FingerprintSize);

    private ReadOnlySpan<byte> EphemeralPoint => _header.AsSpan(_header.Length - PointSize, PointSize);

    /// <summary>
    /// Encrypts <paramref name="share"/> to <paramref name="recipient"/> for <paramref name="operatorName"/> in
    /// ceremony <paramref name="ceremonyId"/>. Misuse throws <see cref="ArgumentException"/>: an Ed25519 key, a
    /// name that is not 1 to 64 visible ASCII characters, a share that is empty or longer than 512 bytes.
    /// </summary>
    public static EncryptedShare Encrypt(VerificationKey recipient, ReadOnlySpan<byte> share, string ceremonyId, string operatorName)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return Encrypt(recipient, share, ceremonyId, operatorName, ephemeral);
    }

    /// <summary>As above with a given ephemeral key: only for known-answer tests.</summary>
    internal static EncryptedShare Encrypt(VerificationKey recipient, ReadOnlySpan<byte> share, string ceremonyId, string operatorName, ECDiffieHellman ephemeral)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (recipient.Algorithm != SignatureAlgorithm.EcdsaP256Sha256)
            throw new ArgumentException("shares are encrypted with ECDH on P-256: the operator's key must be an ECDSA P-256 key, not Ed25519", nameof(recipient));
        if (!IsValidName(ceremonyId)) throw new ArgumentException("the ceremony id must be 1 to 64 visible ASCII characters", nameof(ceremonyId));
        if (!IsValidName(operatorName)) throw new ArgumentException("the operator name must be 1 to 64 visible ASCII characters", nameof(operatorName));
        if (share.Length is < 1 or > MaxShareLength) throw new ArgumentException($"a share is 1 to {MaxShareLength} bytes", nameof(share));

        var spki = recipient.ToSpki();
        var fingerprint = SHA256.HashData(spki);
        var q = ephemeral.ExportParameters(false).Q;
        var point = new byte[PointSize];
        point[0] = 0x04;
        if (q.X is not { Length: CoordinateSize } x || q.Y is not { Length: CoordinateSize } y)
            throw new ArgumentException("the ephemeral key is not a P-256 key", nameof(ephemeral));
        x.CopyTo(point, 1);
        y.CopyTo(point, 1 + CoordinateSize);
        var header = Header(ceremonyId, operatorName, fingerprint, point);

        using var recipientKey = ECDiffieHellman.Create();
        recipientKey.ImportSubjectPublicKeyInfo(spki, out _);
        using var recipientPublic = recipientKey.PublicKey;
        var z = ephemeral.DeriveRawSecretAgreement(recipientPublic);
        try
        {
            using var okm = DeriveKeyAndNonce(z, point, fingerprint);
            var body = new byte[share.Length + Aead.TagSize];
            Aead.Encrypt(okm.Reveal()[..Aead.KeySize], okm.Reveal()[Aead.KeySize..], share, header, body.AsSpan(0, share.Length), body.AsSpan(share.Length));
            return new EncryptedShare(ceremonyId, operatorName, header, body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    /// <summary>The share opened with <paramref name="key"/>; null when it is not that key's, or was changed.</summary>
    public SecretBytes? Decrypt(ShareDecryptionKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Convert.FromHexString(key.PublicKey.Fingerprint).AsSpan().SequenceEqual(Fingerprint)) return null;
        ECDiffieHellman peer;
        try
        {
            var point = EphemeralPoint;
            peer = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point.Slice(1, CoordinateSize).ToArray(), Y = point.Slice(1 + CoordinateSize, CoordinateSize).ToArray() },
            });
        }
        catch (CryptographicException)
        {
            return null; // not a point on P-256
        }
        using (peer)
        {
            using var peerPublic = peer.PublicKey;
            var z = key.Agree(peerPublic);
            try
            {
                using var okm = DeriveKeyAndNonce(z, EphemeralPoint, Fingerprint);
                int n = _body.Length - Aead.TagSize;
                var share = SecretBytes.Allocate(n);
                if (Aead.TryDecrypt(okm.Reveal()[..Aead.KeySize], okm.Reveal()[Aead.KeySize..], _body.AsSpan(0, n), _body.AsSpan(n), _header, share.RevealForWrite()))
                    return share;
                share.Dispose();
                return null;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(z);
            }
        }
    }

    /// <summary>The one-line text form. It holds no secret in clear, but only its operator can open it.</summary>
    public string Encode()
    {
        var binary = new byte[_header.Length + _body.Length];
        _header.CopyTo(binary, 0);
        _body.CopyTo(binary, _header.Length);
        return TextPrefix + Base64Url.EncodeToString(binary);
    }

    /// <summary>Parses the text form (surrounding whitespace ignored); null when it is malformed. Parsing does not authenticate.</summary>
    public static EncryptedShare? TryParse(string? text)
    {
        if (text is null) return null;
        var trimmed = text.AsSpan().Trim();
        if (!trimmed.StartsWith(TextPrefix, StringComparison.Ordinal)) return null;
        var chars = trimmed[TextPrefix.Length..];
        if (chars.IsEmpty || chars.Length > Base64Url.GetEncodedLength(MaxBinaryLength)) return null;
        var binary = new byte[Base64Url.GetMaxDecodedLength(chars.Length)];
        if (Base64Url.DecodeFromChars(chars, binary, out int consumed, out int written) != OperationStatus.Done || consumed != chars.Length) return null;
        // Only the canonical encoding: no padding, whitespace or stray low bits.
        if (!chars.SequenceEqual(Base64Url.EncodeToString(binary.AsSpan(0, written)))) return null;
        return Decode(binary.AsSpan(0, written));
    }

    private static EncryptedShare? Decode(ReadOnlySpan<byte> b)
    {
        int p = 0;
        if (b.Length < 2 || b[p++] != FormatVersion) return null;
        if (ReadName(b, ref p) is not { } ceremonyId) return null;
        if (ReadName(b, ref p) is not { } operatorName) return null;
        if (b.Length - p < FingerprintSize + PointSize) return null;
        p += FingerprintSize;
        if (b[p] != 0x04) return null;
        p += PointSize;
        int bodyLength = b.Length - p;
        if (bodyLength < 1 + Aead.TagSize || bodyLength > MaxShareLength + Aead.TagSize) return null;
        return new EncryptedShare(ceremonyId, operatorName, b[..p].ToArray(), b[p..].ToArray());
    }

    private static string? ReadName(ReadOnlySpan<byte> b, ref int p)
    {
        if (b.Length - p < 1) return null;
        int length = b[p++];
        if (length is < 1 or > MaxNameLength || b.Length - p < length) return null;
        var name = Encoding.ASCII.GetString(b.Slice(p, length));
        p += length;
        return IsValidName(name) ? name : null;
    }

    private static byte[] Header(string ceremonyId, string operatorName, ReadOnlySpan<byte> fingerprint, ReadOnlySpan<byte> point)
    {
        var header = new byte[3 + ceremonyId.Length + operatorName.Length + FingerprintSize + PointSize];
        int p = 0;
        header[p++] = FormatVersion;
        header[p++] = (byte)ceremonyId.Length;
        p += Encoding.ASCII.GetBytes(ceremonyId, header.AsSpan(p));
        header[p++] = (byte)operatorName.Length;
        p += Encoding.ASCII.GetBytes(operatorName, header.AsSpan(p));
        fingerprint.CopyTo(header.AsSpan(p));
        point.CopyTo(header.AsSpan(p + FingerprintSize));
        return header;
    }

    private static SecretBytes DeriveKeyAndNonce(ReadOnlySpan<byte> z, ReadOnlySpan<byte> point, ReadOnlySpan<byte> fingerprint)
    {
        Span<byte> info = stackalloc byte[InfoLabel.Length + PointSize + FingerprintSize];
        InfoLabel.CopyTo(info);
        point.CopyTo(info[InfoLabel.Length..]);
        fingerprint.CopyTo(info[(InfoLabel.Length + PointSize)..]);
        return Hkdf.DeriveKey(z, [], info, Aead.KeySize + Aead.NonceSize);
    }

    /// <summary>Visible ASCII (0x21–0x7E), 1 to 64 characters.</summary>
    private static bool IsValidName(string? name) => name is { Length: >= 1 and <= MaxNameLength } && name.All(c => c is >= '!' and <= '~');

    /// <inheritdoc />
    public override string ToString() => $"encrypted share for {Operator} in {CeremonyId}";
}
