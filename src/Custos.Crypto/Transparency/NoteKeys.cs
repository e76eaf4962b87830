using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Key IDs, vkey text and the Ed25519 primitive shared by the note signers and verifiers (c2sp.org/signed-note):
/// key ID = SHA-256(name || 0x0A || type || public key)[:4] for Ed25519 (0x01) and cosignature/v1 (0x04);
/// SHA-256(SPKI DER)[:4] for ECDSA (0x02), the rule of transparency-dev/witness and Sigstore Rekor.
/// </summary>
internal static class NoteKeys
{
    public const byte TypeEd25519 = 0x01;
    public const byte TypeEcdsa = 0x02;
    public const byte TypeCosignatureV1 = 0x04;
    public const int Ed25519KeySize = 32;
    public const int Ed25519SignatureSize = 64;

    public static uint NameBoundKeyId(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static uint SpkiKeyId(ReadOnlySpan<byte> spki) => BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(spki));

    public static string VerifierKey(string name, uint keyId, byte type, ReadOnlySpan<byte> publicKey)
    {
        byte[] blob = new byte[1 + publicKey.Length];
        blob[0] = type;
        publicKey.CopyTo(blob.AsSpan(1));
        return name + "+" + keyId.ToString("x8", CultureInfo.InvariantCulture) + "+" + Convert.ToBase64String(blob);
    }

    public static void CheckName(string name)
    {
        if (!NoteSignature.IsValidName(name)) throw new ArgumentException("a key name must be non-empty, without spaces, '+' or control characters", nameof(name));
    }

    public static Ed25519PublicKeyParameters? TryEd25519PublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519KeySize) return null;
        try { return new Ed25519PublicKeyParameters(publicKey); }
        catch (ArgumentException) { return null; }
    }

    public static byte[] Ed25519Sign(Ed25519PrivateKeyParameters key, ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public static bool Ed25519Verify(Ed25519PublicKeyParameters key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519SignatureSize) return false;
        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    public static Ed25519PrivateKeyParameters Ed25519PrivateKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519KeySize) throw new ArgumentException($"an Ed25519 seed is {Ed25519KeySize} bytes", nameof(seed));
        return new Ed25519PrivateKeyParameters(seed);
    }
}
