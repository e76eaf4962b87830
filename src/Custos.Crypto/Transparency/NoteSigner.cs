namespace Custos.Crypto.Transparency;

/// <summary>
/// Port: a key that signs C2SP signed-note text (c2sp.org/signed-note). An implementation returns the raw
/// signature for its signature type; <see cref="SignedNote"/> adds the key ID and the signature line.
/// The ECDSA audit key can later be backed by an HSM through this port.
/// </summary>
public abstract class NoteSigner
{
    /// <summary>The key name written in signature lines.</summary>
    public abstract string Name { get; }

    /// <summary>The 32-bit key ID written before the signature.</summary>
    public abstract uint KeyId { get; }

    /// <summary>The verifier key text, <c>name+hex(keyid)+base64(type||public key)</c>.</summary>
    public abstract string VerifierKey { get; }

    /// <summary>Signs the note text bytes (UTF-8, including the final newline); returns the signature without key ID.</summary>
    public abstract byte[] Sign(ReadOnlySpan<byte> text);
}
