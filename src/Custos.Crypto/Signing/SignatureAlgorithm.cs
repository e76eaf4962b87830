namespace Custos.Crypto.Signing;

/// <summary>The signature algorithms an approver's key may use (a closed set).</summary>
public enum SignatureAlgorithm
{
    /// <summary>ECDSA on P-256 with SHA-256; signatures are DER <c>SEQUENCE { r, s }</c> (RFC 3279).</summary>
    EcdsaP256Sha256,
    /// <summary>Ed25519 (RFC 8032); signatures are 64 bytes.</summary>
    Ed25519,
}
