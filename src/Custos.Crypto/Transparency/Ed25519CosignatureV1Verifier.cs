using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP tlog-cosignature Ed25519 cosignature/v1 (type 0x04) verifier: the signature is a 72-byte
/// <c>timestamped_signature</c> (u64 big-endian POSIX time ≤ 2^63-1 || Ed25519 signature) over
/// "cosignature/v1\ntime &lt;t&gt;\n" || note text. Key ID = SHA-256(name || 0x0A || 0x04 || public key)[:4];
/// vkey <c>name+keyid+base64(0x04||pk)</c>. Timestamps in the future are not rejected here; the caller decides.
/// </summary>
public sealed class Ed25519CosignatureV1Verifier : NoteVerifier
{
    private const int SignatureSize = 8 + NoteKeys.Ed25519SignatureSize;
    private readonly Ed25519PublicKeyParameters _key;
    private readonly byte[] _publicKey;

    /// <summary>A verifier for cosigner <paramref name="name"/> with its 32-byte Ed25519 public key; throws if either is invalid.</summary>
    public Ed25519CosignatureV1Verifier(string name, ReadOnlySpan<byte> publicKey)
    {
        NoteKeys.CheckName(name);
        _key = NoteKeys.TryEd25519PublicKey(publicKey) ?? throw new ArgumentException("not a valid 32-byte Ed25519 public key", nameof(publicKey));
        _publicKey = publicKey.ToArray();
        Name = name;
        KeyId = NoteKeys.NameBoundKeyId(name, NoteKeys.TypeCosignatureV1, _publicKey);
    }

    internal static Ed25519CosignatureV1Verifier? TryCreate(string name, ReadOnlySpan<byte> publicKey) =>
        NoteKeys.TryEd25519PublicKey(publicKey) is null ? null : new Ed25519CosignatureV1Verifier(name, publicKey);

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeCosignatureV1, _publicKey);

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (!TryGetTimestamp(signature, out long timestamp)) return false;
        return NoteKeys.Ed25519Verify(_key, Ed25519CosignatureV1Signer.SignedMessage(timestamp, text), signature[8..]);
    }

    /// <summary>Reads the timestamp of a cosignature/v1 signature (without key ID); false if it is not 72 bytes or the time exceeds 2^63-1.</summary>
    public static bool TryGetTimestamp(ReadOnlySpan<byte> signature, out long timestamp)
    {
        timestamp = 0;
        if (signature.Length != SignatureSize) return false;
        ulong t = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (t > long.MaxValue) return false;
        timestamp = (long)t;
        return true;
    }
}
