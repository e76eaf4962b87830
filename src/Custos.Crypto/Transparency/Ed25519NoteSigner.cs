using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP signed-note Ed25519 (type 0x01): RFC 8032 Ed25519 over the note text;
/// key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]; 64-byte signature. BouncyCastle Ed25519Signer.
/// The 32-byte seed is copied into BouncyCastle's key object, which cannot be zeroed.
/// </summary>
public sealed class Ed25519NoteSigner : NoteSigner
{
    private readonly Ed25519PrivateKeyParameters _key;
    private readonly byte[] _publicKey;

    /// <summary>A signer for <paramref name="name"/> from a 32-byte RFC 8032 private key seed.</summary>
    public Ed25519NoteSigner(string name, ReadOnlySpan<byte> seed)
    {
        NoteKeys.CheckName(name);
        _key = NoteKeys.Ed25519PrivateKey(seed);
        _publicKey = _key.GeneratePublicKey().GetEncoded();
        Name = name;
        KeyId = NoteKeys.NameBoundKeyId(name, NoteKeys.TypeEd25519, _publicKey);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeEd25519, _publicKey);

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> text) => NoteKeys.Ed25519Sign(_key, text);
}
