using System.Security.Cryptography;
using Custos.Crypto;

namespace Custos.Core.Ports;

/// <summary>
/// A key outside Custos (in an HSM) that wraps the root key, so that Custos unseals itself at start
/// (seal type <c>hsm</c>) instead of waiting for operators' shares. The wrapping key never leaves it.
/// </summary>
public interface IRootKeyProtector
{
    /// <summary>Where the wrapping key lives, recorded with the seal configuration ("hsm:LABEL/custos-root-wrap").</summary>
    string Name { get; }

    /// <summary>Encrypts <paramref name="secret"/> under the wrapping key, binding <paramref name="aad"/>.</summary>
    byte[] Protect(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad);

    /// <summary>Reverses <see cref="Protect"/>; null when the blob or AAD does not authenticate.</summary>
    SecretBytes? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad);
}

/// <summary>
/// An ECDSA P-256 key for signing audit checkpoints that is held outside Custos' memory (in an HSM);
/// when none is configured, the audit signing key is kept sealed under the keyring.
/// </summary>
public interface IAuditSigningKeySource
{
    /// <summary>Where the key lives ("hsm:LABEL/custos-audit-signing"), recorded with its public key.</summary>
    string Location { get; }

    /// <summary>The key (finding or making it); the caller disposes it. Private export must fail.</summary>
    ECDsa OpenKey();
}
