using System.Security.Cryptography;
using Custos.Crypto.Signing;

namespace Custos.Crypto.Sharing;

/// <summary>
/// Spec card — a ceremony operator's private P-256 key used for ECDH (SEC 1 §3.3.1), to open an
/// <see cref="EncryptedShare"/> on the operator's machine. It is the same key file the operator signs
/// the ceremony transcript with (PEM: PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY", as written by
/// <c>custos ceremony keygen</c>); ECDSA and ECDH on one P-256 key are jointly secure (Degabriele et al.,
/// CT-RSA 2012). Ed25519 keys cannot do ECDH and are refused. Disposing releases the key.
/// </summary>
public sealed class ShareDecryptionKey : IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private readonly ECDiffieHellman _ecdh;

    private ShareDecryptionKey(ECDiffieHellman ecdh)
    {
        _ecdh = ecdh;
        PublicKey = VerificationKey.FromSpki(ecdh.ExportSubjectPublicKeyInfo())
            ?? throw new InvalidOperationException("invariant violated: a P-256 key without a valid public key");
    }

    /// <summary>The matching public key; its <see cref="VerificationKey.Fingerprint"/> names the operator in the transcript.</summary>
    public VerificationKey PublicKey { get; }

    /// <summary>The key in a PEM private-key block, or null with <paramref name="problem"/> saying why.</summary>
    public static ShareDecryptionKey? FromPem(string pem, out string problem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            problem = "not a PEM private key (expected '-----BEGIN PRIVATE KEY-----' or '-----BEGIN EC PRIVATE KEY-----')";
            return null;
        }
        var label = pem[fields.Label];
        if (label is not ("PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            problem = label.Contains("PUBLIC", StringComparison.Ordinal)
                ? "that is a public key: opening a share needs the private key file"
                : $"a PEM '{label}' block is not a private key";
            return null;
        }
        var ecdh = ECDiffieHellman.Create();
        try
        {
            ecdh.ImportFromPem(pem);
            if (ecdh.KeySize == 256 && ecdh.ExportParameters(false).Curve.Oid?.Value == P256Oid)
            {
                problem = "";
                return new ShareDecryptionKey(ecdh);
            }
        }
        catch (CryptographicException) { }
        catch (ArgumentException) { }
        ecdh.Dispose();
        problem = "the private key is not an ECDSA P-256 key: shares are encrypted with ECDH on P-256, which an Ed25519 key cannot do " +
            "(make a P-256 key with 'custos ceremony keygen')";
        return null;
    }

    /// <summary>
    /// The raw ECDH secret with <paramref name="peer"/>: the 32-byte x-coordinate of the shared point.
    /// The caller zeroes it.
    /// </summary>
    internal byte[] Agree(ECDiffieHellmanPublicKey peer) => _ecdh.DeriveRawSecretAgreement(peer);

    /// <inheritdoc />
    public void Dispose() => _ecdh.Dispose();
}
