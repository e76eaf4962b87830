using System.Formats.Asn1;
using System.Security.Cryptography;
using Custos.Crypto.Transparency;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Signing;

/// <summary>
/// Spec card — an approver's private key, on the approver's machine only (the CLI signs approval
/// statements with it; the server never sees it): ECDSA P-256 + SHA-256 with DER signatures (new keys),
/// or Ed25519 (RFC 8032) when one is loaded. Read from PEM: PKCS#8 "PRIVATE KEY" (RFC 5208/5958) or
/// SEC 1 "EC PRIVATE KEY". Disposing releases the key.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const string Ed25519Oid = "1.3.101.112";
    private readonly ECDsa? _ecdsa;
    private readonly Ed25519PrivateKeyParameters? _ed25519;

    private SigningKey(ECDsa? ecdsa, Ed25519PrivateKeyParameters? ed25519)
    {
        _ecdsa = ecdsa;
        _ed25519 = ed25519;
        var spki = ecdsa is not null ? ecdsa.ExportSubjectPublicKeyInfo() : Ed25519Spki(ed25519!.GeneratePublicKey().GetEncoded());
        PublicKey = VerificationKey.FromSpki(spki) ?? throw new InvalidOperationException("invariant violated: a signing key without a valid public key");
    }

    /// <summary>The matching public key (what the server is given).</summary>
    public VerificationKey PublicKey { get; }

    /// <summary>A fresh ECDSA P-256 key.</summary>
    public static SigningKey GenerateEcdsaP256() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    /// <summary>The key in a PEM private-key block, or null with <paramref name="problem"/> saying why.</summary>
    public static SigningKey? FromPem(string pem, out string problem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            problem = "not a PEM private key (expected '-----BEGIN PRIVATE KEY-----' or '-----BEGIN EC PRIVATE KEY-----')";
            return null;
        }
        var label = pem[fields.Label];
        problem = "";
        if (label == "PRIVATE KEY" && TryEd25519(Convert.FromBase64String(pem[fields.Base64Data])) is { } ed) return new SigningKey(null, ed);
        if (label is "PRIVATE KEY" or "EC PRIVATE KEY")
        {
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(pem);
                if (ecdsa.KeySize == 256 && ecdsa.ExportParameters(false).Curve.Oid?.Value == "1.2.840.10045.3.1.7") return new SigningKey(ecdsa, null);
                problem = "the private key is neither ECDSA P-256 nor Ed25519";
            }
            catch (CryptographicException) { problem = "the private key could not be read (neither ECDSA P-256 nor Ed25519)"; }
            catch (ArgumentException) { problem = "the private key could not be read (neither ECDSA P-256 nor Ed25519)"; }
            ecdsa.Dispose();
            return null;
        }
        problem = label.Contains("PUBLIC", StringComparison.Ordinal)
            ? "that is a public key: signing needs the private key file"
            : $"a PEM '{label}' block is not a private key";
        return null;
    }

    /// <summary>The private key as an unencrypted PKCS#8 PEM block (write it to a file only the approver can read).</summary>
    public string ExportPrivateKeyPem() =>
        _ecdsa is not null ? _ecdsa.ExportPkcs8PrivateKeyPem() : PemEncoding.WriteString("PRIVATE KEY", Ed25519Pkcs8(_ed25519!));

    /// <summary>Signs <paramref name="data"/>: a DER ECDSA signature or a 64-byte Ed25519 one.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _ecdsa is not null ? _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence) : NoteKeys.Ed25519Sign(_ed25519!, data);

    /// <inheritdoc />
    public void Dispose() => _ecdsa?.Dispose();

    // PKCS#8 OneAsymmetricKey for Ed25519 (RFC 8410 §7): SEQUENCE { 0, SEQUENCE { 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
    private static Ed25519PrivateKeyParameters? TryEd25519(byte[] pkcs8)
    {
        try
        {
            var reader = new AsnReader(pkcs8, AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            info.ReadInteger();
            var algorithm = info.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != Ed25519Oid) return null;
            var inner = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER).ReadOctetString();
            return inner.Length == NoteKeys.Ed25519KeySize ? NoteKeys.Ed25519PrivateKey(inner) : null;
        }
        catch (AsnContentException) { return null; }
    }

    private static byte[] Ed25519Pkcs8(Ed25519PrivateKeyParameters key)
    {
        var seed = key.GetEncoded();
        byte[]? innerBytes = null;
        try
        {
            var inner = new AsnWriter(AsnEncodingRules.DER);
            inner.WriteOctetString(seed);
            innerBytes = inner.Encode();
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSequence()) writer.WriteObjectIdentifier(Ed25519Oid);
                writer.WriteOctetString(innerBytes);
            }
            return writer.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            if (innerBytes is not null) CryptographicOperations.ZeroMemory(innerBytes);
        }
    }

    private static byte[] Ed25519Spki(byte[] publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence()) writer.WriteObjectIdentifier(Ed25519Oid);
            writer.WriteBitString(publicKey);
        }
        return writer.Encode();
    }

    /// <summary>Makes an Ed25519 key from a 32-byte seed (tests and interoperability; new keys are P-256).</summary>
    public static SigningKey Ed25519FromSeed(ReadOnlySpan<byte> seed) => new(null, NoteKeys.Ed25519PrivateKey(seed));
}
