using System.Formats.Asn1;
using System.Security.Cryptography;
using Custos.Crypto.Transparency;

namespace Custos.Crypto.Signing;

/// <summary>
/// Spec card — a public key that verifies approval signatures, given as a DER SubjectPublicKeyInfo
/// (RFC 5280 §4.1.2.7), alone or in a PEM "PUBLIC KEY" block (RFC 7468):
/// <list type="bullet">
/// <item>ECDSA P-256 + SHA-256 (id-ecPublicKey 1.2.840.10045.2.1, prime256v1): DER signatures, checked with .NET's ECDsa;</item>
/// <item>Ed25519 (id-Ed25519 1.3.101.112, RFC 8410): 64-byte signatures, checked with BouncyCastle.</item>
/// </list>
/// A failed verification is <c>false</c>, never an exception. Holds only public bytes.
/// </summary>
public sealed class VerificationKey
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string Ed25519Oid = "1.3.101.112";
    /// <summary>Largest SubjectPublicKeyInfo accepted (a P-256 one is 91 bytes, an Ed25519 one 44).</summary>
    public const int MaxSpkiBytes = 512;

    private readonly byte[] _spki;
    private readonly byte[]? _ed25519;

    private VerificationKey(SignatureAlgorithm algorithm, byte[] spki, byte[]? ed25519)
    {
        Algorithm = algorithm;
        _spki = spki;
        _ed25519 = ed25519;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(spki));
    }

    /// <summary>The algorithm the key verifies.</summary>
    public SignatureAlgorithm Algorithm { get; }

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: how the key is named in listings.</summary>
    public string Fingerprint { get; }

    /// <summary>A copy of the DER SubjectPublicKeyInfo.</summary>
    public byte[] ToSpki() => (byte[])_spki.Clone();

    /// <summary>The key as a PEM "PUBLIC KEY" block.</summary>
    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", _spki);

    /// <summary>The key in a DER SubjectPublicKeyInfo, or null when it is not a well-formed P-256 or Ed25519 public key.</summary>
    public static VerificationKey? FromSpki(ReadOnlySpan<byte> spki)
    {
        if (spki.Length is 0 or > MaxSpkiBytes) return null;
        var bytes = spki.ToArray();
        try
        {
            var reader = new AsnReader(bytes, AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (oid == Ed25519Oid)
            {
                algorithm.ThrowIfNotEmpty();
                var raw = info.ReadBitString(out int unused);
                info.ThrowIfNotEmpty();
                if (unused != 0 || NoteKeys.TryEd25519PublicKey(raw) is null) return null;
                return new VerificationKey(SignatureAlgorithm.Ed25519, bytes, raw);
            }
            if (oid != EcPublicKeyOid || algorithm.ReadObjectIdentifier() != P256Oid) return null;
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(bytes, out int read);
            return read == bytes.Length ? new VerificationKey(SignatureAlgorithm.EcdsaP256Sha256, bytes, null) : null;
        }
        catch (AsnContentException) { return null; }
        catch (CryptographicException) { return null; }
    }

    /// <summary>
    /// The key in a PEM "PUBLIC KEY" block; null with <paramref name="problem"/> saying why (a private key
    /// is refused by name, so that nobody is led to send one).
    /// </summary>
    public static VerificationKey? FromPem(string pem, out string problem)
    {
        if (pem.Length > 4 * MaxSpkiBytes || !PemEncoding.TryFind(pem, out var fields))
        {
            problem = "not a PEM public key (expected a '-----BEGIN PUBLIC KEY-----' block)";
            return null;
        }
        var label = pem[fields.Label];
        if (label.Contains("PRIVATE", StringComparison.Ordinal))
        {
            problem = "that is a PRIVATE key: give the public key (the private key never leaves the approver)";
            return null;
        }
        if (label != "PUBLIC KEY")
        {
            problem = $"a PEM '{label}' block is not a public key (expected '-----BEGIN PUBLIC KEY-----')";
            return null;
        }
        var key = FromSpki(Convert.FromBase64String(pem[fields.Base64Data]));
        problem = key is null ? "the public key is neither ECDSA P-256 nor Ed25519" : "";
        return key;
    }

    /// <summary>True when <paramref name="signature"/> is this key's signature over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (Algorithm == SignatureAlgorithm.Ed25519)
            return signature.Length == NoteKeys.Ed25519SignatureSize && NoteKeys.Ed25519Verify(NoteKeys.TryEd25519PublicKey(_ed25519)!, data, signature);
        if (signature.Length is 0 or > 80) return false;
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException) { return false; }
    }
}
