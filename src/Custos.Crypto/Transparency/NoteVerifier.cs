using System.Globalization;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Port: a known public key that checks C2SP signed-note signatures (c2sp.org/signed-note).
/// A signature is for this key iff its (name, key ID) equals (<see cref="Name"/>, <see cref="KeyId"/>).
/// <see cref="TryParse"/> reads the verifier key ("vkey") text form <c>&lt;name&gt;+&lt;8 lowercase hex key ID&gt;+&lt;base64(type || public key)&gt;</c>
/// for the types implemented here: 0x01 Ed25519, 0x02 ECDSA P-256 (key ID = SHA-256(SPKI DER)[:4]), 0x04 Ed25519 cosignature/v1.
/// Verification failure returns false and never throws.
/// </summary>
public abstract class NoteVerifier
{
    /// <summary>The key name.</summary>
    public abstract string Name { get; }

    /// <summary>The 32-bit key ID.</summary>
    public abstract uint KeyId { get; }

    /// <summary>The verifier key text of this key.</summary>
    public abstract string VerifierKey { get; }

    /// <summary>True iff <paramref name="signature"/> (without key ID) is valid for the note text bytes <paramref name="text"/>.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature);

    /// <summary>Parses a vkey; false if malformed, of an unsupported type, an invalid key, or its key ID does not match the key.</summary>
    public static bool TryParse(string? verifierKey, out NoteVerifier? verifier)
    {
        verifier = null;
        if (verifierKey is null || verifierKey.Length > 4096) return false;
        int p1 = verifierKey.IndexOf('+', StringComparison.Ordinal);
        if (p1 < 0) return false;
        int p2 = verifierKey.IndexOf('+', p1 + 1);
        if (p2 < 0) return false;
        string name = verifierKey[..p1], hex = verifierKey[(p1 + 1)..p2];
        if (!NoteSignature.IsValidName(name) || hex.Length != 8 || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) return false;
        uint keyId = uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        byte[]? blob = Checkpoint.DecodeCanonicalBase64(verifierKey[(p2 + 1)..]);
        if (blob is null || blob.Length < 2) return false;

        verifier = blob[0] switch
        {
            NoteKeys.TypeEd25519 => Ed25519NoteVerifier.TryCreate(name, blob.AsSpan(1)),
            NoteKeys.TypeEcdsa => EcdsaP256NoteVerifier.TryCreate(name, blob.AsSpan(1)),
            NoteKeys.TypeCosignatureV1 => Ed25519CosignatureV1Verifier.TryCreate(name, blob.AsSpan(1)),
            _ => null,
        };
        if (verifier is null || verifier.KeyId != keyId) { verifier = null; return false; }
        return true;
    }
}
