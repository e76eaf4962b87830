using System.Security.Cryptography;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP signed-note ECDSA (type 0x02, "as implemented by github.com/transparency-dev/witness"):
/// ECDSA NIST P-256 with SHA-256 over the note text, signature ASN.1 DER (Ecdsa-Sig-Value, what Go's
/// ecdsa.SignASN1/VerifyASN1 use); key ID = SHA-256(DER SubjectPublicKeyInfo)[:4] — not bound to the name;
/// vkey <c>name+keyid+base64(0x02||SPKI DER)</c> (Sigstore Rekor's form).
/// The <see cref="ECDsa"/> key is borrowed, not owned: the caller disposes it (so an HSM-backed ECDsa can be used).
/// </summary>
public sealed class EcdsaP256NoteSigner : NoteSigner
{
    private readonly ECDsa _key;
    private readonly byte[] _spki;

    /// <summary>A signer for <paramref name="name"/> over a P-256 private key; throws for another curve.</summary>
    public EcdsaP256NoteSigner(string name, ECDsa key)
    {
        NoteKeys.CheckName(name);
        ArgumentNullException.ThrowIfNull(key);
        _spki = key.ExportSubjectPublicKeyInfo();
        if (!EcdsaP256NoteVerifier.IsP256(key)) throw new ArgumentException("the key must be on NIST P-256", nameof(key));
        _key = key;
        Name = name;
        KeyId = NoteKeys.SpkiKeyId(_spki);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeEcdsa, _spki);

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> text) =>
        _key.SignData(text, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
}
