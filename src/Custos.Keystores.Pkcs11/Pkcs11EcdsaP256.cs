using System.Formats.Asn1;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// Spec card — ECDSA over NIST P-256 (FIPS 186-4) with the private key in a PKCS#11 token: a key pair labelled
/// once, generated in the token (<c>CKM_EC_KEY_PAIR_GEN</c>, <c>CKA_EC_PARAMS</c> = OID 1.2.840.10045.3.1.7);
/// the private key is <c>CKA_SENSITIVE</c>, not <c>CKA_EXTRACTABLE</c>, usable only to sign. Signing hashes in
/// .NET and signs the hash with <c>CKM_ECDSA</c>, which returns <c>r || s</c> (32 + 32 bytes) — the IEEE P1363
/// form <see cref="SignHash(byte[])"/> returns; the base class converts to DER when asked. The public key
/// comes from <c>CKA_EC_POINT</c> (a DER OCTET STRING around <c>04 || X || Y</c>); verifying and exporting it
/// are done in software. The private key cannot be exported, imported or regenerated through this type.
/// </summary>
public sealed class Pkcs11EcdsaP256 : ECDsa
{
    private const int FieldLength = 32;
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private readonly Pkcs11Token _token;
    private readonly ECDsa _public;

    private Pkcs11EcdsaP256(Pkcs11Token token, string label, ECParameters publicKey)
    {
        _token = token;
        Label = label;
        _public = Create(publicKey);
        KeySizeValue = 256;
        LegalKeySizesValue = [new KeySizes(256, 256, 0)];
    }

    /// <summary>The <c>CKA_LABEL</c> of the key pair.</summary>
    public string Label { get; }

    /// <summary>
    /// The P-256 key pair labelled <paramref name="label"/> on <paramref name="token"/>, generated there when
    /// absent. Throws when the label names a key of another curve or only half a pair.
    /// </summary>
    public static Pkcs11EcdsaP256 FindOrCreate(Pkcs11Token token, string label)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(label);
        var point = token.Run(Pkcs11Operation.SigningKey, label, static (s, label) =>
        {
            lock (s.ObjectWrites) return PublicPoint(s, label);
        });
        return new Pkcs11EcdsaP256(token, label, new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = DecodePoint(point) });
    }

    /// <summary>Signs <paramref name="hash"/> in the HSM; returns <c>r || s</c> (IEEE P1363, 64 bytes).</summary>
    public override byte[] SignHash(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var signature = _token.Run(Pkcs11Operation.Sign, (Label, hash), static (s, a) =>
        {
            var key = s.FindByLabel(CKO.CKO_PRIVATE_KEY, a.Label)
                ?? throw Core.Errors.Error.Invariant($"the signing key '{a.Label}' is no longer on HSM token '{s.TokenLabel}'");
            using var mechanism = Pkcs11Session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return s.Raw.Sign(mechanism, key, a.hash);
        });
        if (signature.Length != 2 * FieldLength)
            throw Core.Errors.Error.Unavailable($"HSM token '{_token.Label}' returned a {signature.Length}-byte ECDSA signature; P-256 signatures are 64 bytes");
        return signature;
    }

    /// <summary>Checks a P1363 signature with the public key, in software.</summary>
    public override bool VerifyHash(byte[] hash, byte[] signature) => _public.VerifyHash(hash, signature);

    /// <summary>The public key; asking for the private key throws: it never leaves the HSM.</summary>
    public override ECParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters ? throw PrivateKeyStaysInHsm() : _public.ExportParameters(false);

    /// <summary>The public key with explicit curve parameters; asking for the private key throws.</summary>
    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) =>
        includePrivateParameters ? throw PrivateKeyStaysInHsm() : _public.ExportExplicitParameters(false);

    /// <summary>Not supported: the key pair is the HSM's.</summary>
    public override void ImportParameters(ECParameters parameters) =>
        throw new NotSupportedException("the key of an HSM-backed ECDsa cannot be replaced");

    /// <summary>Not supported: the key pair is the HSM's.</summary>
    public override void GenerateKey(ECCurve curve) =>
        throw new NotSupportedException("the key of an HSM-backed ECDsa cannot be replaced");

    /// <inheritdoc />
    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));

    /// <inheritdoc />
    protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _public.Dispose();
        base.Dispose(disposing);
    }

    private static CryptographicException PrivateKeyStaysInHsm() =>
        new("the private key is held in the HSM and cannot be exported");

    private static byte[] PublicPoint(Pkcs11Session s, string label)
    {
        var privateKey = s.FindByLabel(CKO.CKO_PRIVATE_KEY, label);
        var publicKey = s.FindByLabel(CKO.CKO_PUBLIC_KEY, label);
        if (privateKey is null && publicKey is null) (publicKey, _) = Generate(s, label);
        else if (privateKey is null || publicKey is null)
            throw Core.Errors.Error.Invariant($"HSM token '{s.TokenLabel}' holds only the {(privateKey is null ? "public" : "private")} half of key pair '{label}'");
        var attributes = s.Raw.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        if (!attributes[0].GetValueAsByteArray().AsSpan().SequenceEqual(P256Parameters))
            throw Core.Errors.Error.Invariant($"key pair '{label}' on HSM token '{s.TokenLabel}' is not on NIST P-256");
        return attributes[1].GetValueAsByteArray();
    }

    private static (IObjectHandle Public, IObjectHandle Private) Generate(Pkcs11Session s, string label)
    {
        var id = RandomNumberGenerator.GetBytes(16);
        List<IObjectAttribute> publicTemplate =
        [
            Pkcs11Session.Attribute(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            Pkcs11Session.Attribute(CKA.CKA_EC_PARAMS, P256Parameters),
            Pkcs11Session.Attribute(CKA.CKA_TOKEN, true),
            Pkcs11Session.Attribute(CKA.CKA_PRIVATE, false),
            Pkcs11Session.Attribute(CKA.CKA_VERIFY, true),
            Pkcs11Session.Attribute(CKA.CKA_ENCRYPT, false),
            Pkcs11Session.Attribute(CKA.CKA_WRAP, false),
            Pkcs11Session.Attribute(CKA.CKA_DERIVE, false),
            Pkcs11Session.Attribute(CKA.CKA_MODIFIABLE, false),
            Pkcs11Session.Attribute(CKA.CKA_LABEL, label),
            Pkcs11Session.Attribute(CKA.CKA_ID, id),
        ];
        List<IObjectAttribute> privateTemplate =
        [
            Pkcs11Session.Attribute(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            Pkcs11Session.Attribute(CKA.CKA_TOKEN, true),
            Pkcs11Session.Attribute(CKA.CKA_PRIVATE, true),
            Pkcs11Session.Attribute(CKA.CKA_SENSITIVE, true),
            Pkcs11Session.Attribute(CKA.CKA_EXTRACTABLE, false),
            Pkcs11Session.Attribute(CKA.CKA_MODIFIABLE, false),
            Pkcs11Session.Attribute(CKA.CKA_SIGN, true),
            Pkcs11Session.Attribute(CKA.CKA_DECRYPT, false),
            Pkcs11Session.Attribute(CKA.CKA_UNWRAP, false),
            Pkcs11Session.Attribute(CKA.CKA_DERIVE, false),
            Pkcs11Session.Attribute(CKA.CKA_LABEL, label),
            Pkcs11Session.Attribute(CKA.CKA_ID, id),
        ];
        using var mechanism = Pkcs11Session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
        s.Raw.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicKey, out var privateKey);
        s.RememberLabel(CKO.CKO_PUBLIC_KEY, label, publicKey);
        s.RememberLabel(CKO.CKO_PRIVATE_KEY, label, privateKey);
        return (publicKey, privateKey);
    }

    // CKA_EC_POINT is DER OCTET STRING { 04 || X || Y } (PKCS#11 2.40); some modules return the bare point.
    private static ECPoint DecodePoint(byte[] encoded)
    {
        byte[] point = encoded;
        if (encoded.Length != 1 + 2 * FieldLength)
        {
            try
            {
                point = AsnDecoder.ReadOctetString(encoded, AsnEncodingRules.DER, out int read);
                if (read != encoded.Length) throw new CryptographicException("trailing bytes after CKA_EC_POINT");
            }
            catch (AsnContentException e)
            {
                throw new CryptographicException("CKA_EC_POINT is neither a DER OCTET STRING nor an uncompressed point", e);
            }
        }
        if (point.Length != 1 + 2 * FieldLength || point[0] != 0x04)
            throw new CryptographicException("CKA_EC_POINT is not an uncompressed P-256 point");
        return new ECPoint { X = point[1..(1 + FieldLength)], Y = point[(1 + FieldLength)..] };
    }
}
