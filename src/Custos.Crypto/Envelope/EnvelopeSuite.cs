namespace Custos.Crypto.Envelope;

/// <summary>
/// The algorithm suites of the envelope format (a closed set; see docs/envelope-format.md).
/// The numeric value is the <c>suite u16</c> field of the header.
/// </summary>
#pragma warning disable CA1028 // the enum mirrors a u16 wire field
public enum EnvelopeSuite : ushort
#pragma warning restore CA1028
{
    /// <summary>
    /// AES-256-GCM content encryption (12-byte nonce, 16-byte tag), HKDF-SHA-256 key derivation
    /// from the DEK with the message id as salt, and a 32-byte key commitment.
    /// </summary>
    Aes256GcmHkdfSha256Committing = 0x0001,
}
