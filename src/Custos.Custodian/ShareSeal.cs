using System.Buffers.Binary;
using System.Text;
using Custos.Crypto;
using Custos.Crypto.Primitives;
using Custos.Crypto.Threshold;

namespace Custos.Custodian;

/// <summary>
/// Spec card — a share scalar sealed at rest under the custodian's root key (<see cref="CustodianSeal"/>: a key file, or
/// an AES key in its HSM), as the software keystore seals keys:
/// <code>
/// aad    = "custos/custodian-share/v1" | keyIdLen u8 | keyId (UTF-8) | keyVersion u32 | fingerprint 32 | index u8
/// sealed = AES-256-GCM(root key, random nonce, s_i 32, aad) = { nonce 12 | ciphertext 32 | tag 16 }     (60 bytes)
/// </code>
/// The AAD binds the share to its key, version, group and index, so a sealed share moved to another row does not open.
/// </summary>
public static class ShareSeal
{
    private static readonly byte[] Label = "custos/custodian-share/v1"u8.ToArray();

    /// <summary>Seals <paramref name="share"/> for its row.</summary>
    public static byte[] Seal(CustodianSeal seal, KeyShare share, string keyId, int keyVersion, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(seal);
        ArgumentNullException.ThrowIfNull(share);
        return seal.Seal(share.RevealScalar(), Aad(keyId, keyVersion, fingerprint, share.Index));
    }

    /// <summary>Opens a sealed share; null when it does not authenticate for this row.</summary>
    public static KeyShare? Open(CustodianSeal seal, ReadOnlySpan<byte> sealedShare, string keyId, int keyVersion, string fingerprint, int index)
    {
        ArgumentNullException.ThrowIfNull(seal);
        using var scalar = seal.Open(sealedShare, Aad(keyId, keyVersion, fingerprint, index));
        if (scalar is null || scalar.Length != KeyShare.ScalarSize) return null;
        try { return KeyShare.FromScalar(index, scalar.Reveal()); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>The AAD of a row (see the card).</summary>
    public static byte[] Aad(string keyId, int keyVersion, string fingerprint, int index)
    {
        var id = Encoding.UTF8.GetBytes(keyId);
        var fp = Convert.FromHexString(fingerprint);
        if (id.Length is < 1 or > 255 || fp.Length != 32) throw new ArgumentException("a key id is 1-255 bytes and a fingerprint 32");
        var aad = new byte[Label.Length + 1 + id.Length + 4 + 32 + 1];
        var s = aad.AsSpan();
        Label.CopyTo(s);
        s = s[Label.Length..];
        s[0] = (byte)id.Length;
        id.CopyTo(s[1..]);
        s = s[(1 + id.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(s, (uint)keyVersion);
        fp.CopyTo(s[4..]);
        s[36] = (byte)index;
        return aad;
    }
}
