using Custos.Core.Keys;
using Custos.Crypto;

namespace Custos.Core.Ports;

/// <summary>Names a key version for a keystore, with the keystore's handle to its material.</summary>
public readonly record struct KeyVersionRef(string KeyId, int Version, KeySpec Spec, byte[] Material);

/// <summary>
/// Where key material lives and is used. Material never leaves a keystore in plaintext: callers get
/// an opaque, non-secret handle (<see cref="KeyVersion.Material"/>) and ask the keystore to encrypt or
/// decrypt with it. Implementations: software (sealed), PKCS#11 HSM, threshold custodians, remote KMS.
/// </summary>
public interface IKeystore
{
    /// <summary>Stable name recorded with each version ("software", "hsm:LABEL", ...).</summary>
    string Name { get; }

    /// <summary>The custody this keystore provides.</summary>
    KeyCustody Custody { get; }

    /// <summary>Creates material for a new key version and returns its handle.</summary>
    ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Authenticated encryption of <paramref name="plaintext"/> (at most 4 KiB: a data key or small
    /// data) under the version, binding <paramref name="aad"/>. Returns the keystore's ciphertext.
    /// </summary>
    ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken);

    /// <summary>Reverses <see cref="EncryptAsync"/>; null when the ciphertext or AAD does not authenticate.</summary>
    ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken);

    /// <summary>Destroys the version's material wherever the keystore keeps it (idempotent).</summary>
    ValueTask DestroyKeyAsync(KeyVersionRef version, CancellationToken cancellationToken);

    /// <summary>
    /// Facts about where and how the version's material is held, read back from the keystore as
    /// evidence (for an HSM: <c>CKA_LOCAL</c>, <c>CKA_ALWAYS_SENSITIVE</c>, <c>CKA_NEVER_EXTRACTABLE</c>,
    /// token manufacturer, model and serial). Names are lower-case with dots; values are plain text.
    /// Null when the keystore has nothing to attest beyond its name.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, string>?> GetEvidenceAsync(KeyVersionRef version, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>?>(null);
}

/// <summary>The keystores configured on this server, by custody.</summary>
public interface IKeystoreRegistry
{
    /// <summary>The keystore for new keys of <paramref name="custody"/>, or null when none is configured.</summary>
    IKeystore? ForCustody(KeyCustody custody);

    /// <summary>The keystore recorded with a version, or null when it is not configured here.</summary>
    IKeystore? ByName(string name);
}
