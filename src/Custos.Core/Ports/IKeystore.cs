using Custos.Core.Keys;
using Custos.Crypto;

namespace Custos.Core.Ports;

/// <summary>What a keystore is told about a new key version beyond its spec: parameters only some custodies take.</summary>
public sealed record KeyCreation
{
    /// <summary>No custody-specific parameters.</summary>
    public static KeyCreation None { get; } = new();

    /// <summary>For custody <c>threshold</c>: k, the custodians and the jurisdiction requirement; null for the others.</summary>
    public Threshold.ThresholdSpec? Threshold { get; init; }
}

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

    /// <summary>As <see cref="CreateKeyAsync(string, int, KeySpec, CancellationToken)"/>, with custody-specific <paramref name="creation"/> parameters.</summary>
    ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, KeyCreation creation, CancellationToken cancellationToken) =>
        CreateKeyAsync(keyId, version, spec, cancellationToken);

    /// <summary>
    /// Null when the keystore can encrypt a plaintext of <paramref name="length"/> bytes (every keystore takes 1 byte to
    /// 4 KiB unless it says otherwise), else the validation error to answer.
    /// </summary>
    Errors.CustosError? CheckPlaintextLength(int length) => null;

    /// <summary>
    /// Authenticated encryption of <paramref name="plaintext"/> (at most 4 KiB: a data key or small
    /// data) under the version, binding <paramref name="aad"/>. Returns the keystore's ciphertext.
    /// </summary>
    ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken);

    /// <summary>Reverses <see cref="EncryptAsync"/>; null when the ciphertext or AAD does not authenticate.</summary>
    ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="DecryptAsync(KeyVersionRef, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, CancellationToken)"/> on behalf of
    /// <paramref name="caller"/> (its request id and justification go to keystores that judge each request themselves, such
    /// as threshold custodians). Throws <see cref="Errors.CustodiansUnavailableException"/> when too few custodians answered.
    /// </summary>
    ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, Access.Principal caller,
        CancellationToken cancellationToken) => DecryptAsync(version, ciphertext, aad, cancellationToken);

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
