using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP signed-note Ed25519 (type 0x01) verifier: RFC 8032 over the note text;
/// key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4]; vkey <c>name+keyid+base64(0x01||pk)</c>.
/// </summary>
public sealed class Ed25519NoteVerifier : NoteVerifier
{
    private readonly Ed25519PublicKeyParameters _key;
    private readonly byte[] _publicKey;

    /// <summary>A verifier for <paramref name="name"/> and a 32-byte Ed25519 public key; throws if either is invalid.</summary>
    public Ed25519NoteVerifier(string name, ReadOnlySpan<byte> publicKey)
    {
        NoteKeys.CheckName(name);
        _key = NoteKeys.TryEd25519PublicKey(publicKey) ?? throw new ArgumentException("not a valid 32-byte Ed25519 public key", nameof(publicKey));
        _publicKey = publicKey.ToArray();
        Name = name;
        KeyId = NoteKeys.NameBoundKeyId(name, NoteKeys.TypeEd25519, _publicKey);
    }

    internal static Ed25519NoteVerifier? TryCreate(string name, ReadOnlySpan<byte> publicKey) =>
        NoteKeys.TryEd25519PublicKey(publicKey) is null ? null : new Ed25519NoteVerifier(name, publicKey);

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeEd25519, _publicKey);

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature) => NoteKeys.Ed25519Verify(_key, text, signature);
}
