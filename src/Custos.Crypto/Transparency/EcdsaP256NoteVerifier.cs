using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP signed-note ECDSA (type 0x02) verifier, P-256 + SHA-256: the signature must be a strict
/// DER Ecdsa-Sig-Value <c>SEQUENCE { r INTEGER, s INTEGER }</c> with 0 &lt; r, s &lt; n and nothing trailing
/// (BER variants are rejected), then checked with .NET's ECDsa in IEEE P1363 form.
/// Key ID = SHA-256(SPKI DER)[:4]; vkey <c>name+keyid+base64(0x02||SPKI DER)</c>.
/// </summary>
public sealed class EcdsaP256NoteVerifier : NoteVerifier, IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    private readonly ECDsa _key;
    private readonly byte[] _spki;

    /// <summary>A verifier for <paramref name="name"/> and a DER SubjectPublicKeyInfo P-256 key; throws if either is invalid.</summary>
    public EcdsaP256NoteVerifier(string name, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        NoteKeys.CheckName(name);
        _key = TryImport(subjectPublicKeyInfo) ?? throw new ArgumentException("not a DER SubjectPublicKeyInfo for a P-256 key", nameof(subjectPublicKeyInfo));
        _spki = subjectPublicKeyInfo.ToArray();
        Name = name;
        KeyId = NoteKeys.SpkiKeyId(_spki);
    }

    internal static EcdsaP256NoteVerifier? TryCreate(string name, ReadOnlySpan<byte> spki)
    {
        using var probe = TryImport(spki);
        return probe is null ? null : new EcdsaP256NoteVerifier(name, spki);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeEcdsa, _spki);

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        Span<byte> p1363 = stackalloc byte[64];
        if (!TryDerToP1363(signature, p1363)) return false;
        try { return _key.VerifyData(text, p1363, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation); }
        catch (CryptographicException) { return false; }
    }

    /// <summary>Releases the imported key.</summary>
    public void Dispose() => _key.Dispose();

    internal static bool IsP256(ECDsa key)
    {
        try { return key.ExportParameters(false).Curve.Oid?.Value == P256Oid; }
        catch (CryptographicException) { return false; }
    }

    private static ECDsa? TryImport(ReadOnlySpan<byte> spki)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out int read);
            if (read == spki.Length && IsP256(key)) return key;
        }
        catch (CryptographicException) { }
        key.Dispose();
        return null;
    }

    // Strict DER SEQUENCE { INTEGER r, INTEGER s } → r || s, 32 bytes each.
    private static bool TryDerToP1363(ReadOnlySpan<byte> der, Span<byte> output)
    {
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            BigInteger r = seq.ReadInteger(), s = seq.ReadInteger();
            if (seq.HasData || reader.HasData) return false;
            if (r.Sign <= 0 || s.Sign <= 0 || r >= Order || s >= Order) return false;
            output.Clear();
            r.TryWriteBytes(output[(32 - r.GetByteCount(isUnsigned: true))..32], out _, isUnsigned: true, isBigEndian: true);
            s.TryWriteBytes(output[(64 - s.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
            return true;
        }
        catch (AsnContentException) { return false; }
    }
}
