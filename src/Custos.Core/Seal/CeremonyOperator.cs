using System.Security.Cryptography;

namespace Custos.Core.Seal;

/// <summary>An operator of a stored ceremony: their key, the hash of their share and, once given, their signature.</summary>
/// <param name="Name">The operator's name.</param>
/// <param name="PublicKey">Their public key, DER SubjectPublicKeyInfo.</param>
/// <param name="ShareSha256">SHA-256 of the share handed to them (the share itself is never stored).</param>
/// <param name="Signature">Their signature over the transcript, once they confirmed.</param>
/// <param name="ConfirmedAt">When they confirmed.</param>
public sealed record CeremonyOperator(string Name, byte[] PublicKey, byte[] ShareSha256, byte[]? Signature = null, DateTimeOffset? ConfirmedAt = null)
{
    /// <summary>SHA-256 of <see cref="PublicKey"/>, lower-case hex: how the transcript names the key.</summary>
    public string KeyFingerprint => Convert.ToHexStringLower(SHA256.HashData(PublicKey));

    /// <summary>True once the operator's signature is stored.</summary>
    public bool Confirmed => Signature is not null;
}
