using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;

namespace Custos.Core.Service;

/// <summary>A data key: the plaintext (caller disposes it) and the blob to store beside the data.</summary>
public sealed record DataKey(SecretBytes Plaintext, byte[] CiphertextBlob, string KeyId, int KeyVersion);

/// <summary>A ciphertext blob and the key version that made it.</summary>
public sealed record Encrypted(byte[] CiphertextBlob, string KeyId, int KeyVersion);

/// <summary>A decrypted plaintext (caller disposes it) and the key version that decrypted it.</summary>
public sealed record Decrypted(SecretBytes Plaintext, string KeyId, int KeyVersion);

/// <summary>A re-encrypted blob, with where it came from and where it went.</summary>
public sealed record Rewrapped(byte[] CiphertextBlob, string KeyId, int KeyVersion, string SourceKeyId, int SourceKeyVersion);

/// <summary>
/// The data plane of the Key Access Service: every protocol's encrypt, decrypt, generate-data-key and
/// rewrap come here, pass the guard, and reach the key's keystore. Every decryption failure is the
/// same <see cref="ErrorCode.InvalidCiphertext"/>.
/// </summary>
public sealed class KeyAccessService(KeyResolver resolver, IKeystoreRegistry keystores, Guard guard, AuditRecorder audit, KeyRateLimiter keyLimits,
    ActivePolicy? policy = null)
{
    /// <summary>Largest plaintext for <see cref="EncryptAsync"/>.</summary>
    public const int MaxPlaintext = 4096;
    /// <summary>Largest data key.</summary>
    public const int MaxDataKeyBytes = 1024;

    /// <summary>Makes a fresh random data key and returns it with its wrapped form.</summary>
    public async Task<Result<DataKey>> GenerateDataKeyAsync(Principal principal, string reference, EncryptionContext context, int numberOfBytes, CancellationToken cancellationToken) =>
        await audit.RecordAsync(principal, "data.generate-data-key",
            await GenerateDataKeyCoreAsync(principal, reference, context, numberOfBytes, cancellationToken),
            d => (d.KeyId, d.KeyVersion), KeyIds.IdOrNull(reference), context, cancellationToken, d => d.Plaintext.Dispose());

    private async Task<Result<DataKey>> GenerateDataKeyCoreAsync(Principal principal, string reference, EncryptionContext context, int numberOfBytes, CancellationToken cancellationToken)
    {
        if (numberOfBytes is < 1 or > MaxDataKeyBytes) return CustosError.Invalid($"numberOfBytes is 1 to {MaxDataKeyBytes}");
        var dek = SecretBytes.Random(numberOfBytes);
        var encrypted = await EncryptCoreAsync(principal, Operation.GenerateDataKey, reference, dek.Reveal().ToArray(), context, clearInput: true, cancellationToken);
        if (!encrypted.IsSuccess)
        {
            dek.Dispose();
            return encrypted.Error;
        }
        var e = encrypted.Value;
        return new DataKey(dek, e.CiphertextBlob, e.KeyId, e.KeyVersion);
    }

    /// <summary>Encrypts up to 4 KiB under the key's primary version.</summary>
    public async Task<Result<Encrypted>> EncryptAsync(Principal principal, string reference, ReadOnlyMemory<byte> plaintext, EncryptionContext context, CancellationToken cancellationToken) =>
        await audit.RecordAsync(principal, "data.encrypt", await EncryptPublicCoreAsync(principal, reference, plaintext, context, cancellationToken),
            e => (e.KeyId, e.KeyVersion), KeyIds.IdOrNull(reference), context, cancellationToken);

    private async Task<Result<Encrypted>> EncryptPublicCoreAsync(Principal principal, string reference, ReadOnlyMemory<byte> plaintext, EncryptionContext context, CancellationToken cancellationToken)
    {
        if (plaintext.Length is < 1 or > MaxPlaintext) return CustosError.Invalid($"plaintext is 1 to {MaxPlaintext} bytes; use envelope encryption (generate-data-key) for more");
        return await EncryptCoreAsync(principal, Operation.Encrypt, reference, plaintext, context, clearInput: false, cancellationToken);
    }

    /// <summary>Decrypts a blob; the key and version come from the blob.</summary>
    public async Task<Result<Decrypted>> DecryptAsync(Principal principal, ReadOnlyMemory<byte> blob, EncryptionContext context, CancellationToken cancellationToken)
    {
        var result = await DecryptCoreAsync(principal, Operation.Decrypt, blob, context, cancellationToken);
        return await audit.RecordAsync(principal, "data.decrypt", result, d => (d.KeyId, d.KeyVersion),
            CiphertextBlob.TryParse(blob)?.KeyId, context, cancellationToken, d => d.Plaintext.Dispose());
    }

    /// <summary>
    /// Decrypts a blob (checking <paramref name="sourceContext"/>) and encrypts the plaintext again under
    /// the primary version of <paramref name="destinationReference"/> (default: the same key), binding
    /// <paramref name="destinationContext"/> (default: the source context). The plaintext never leaves.
    /// </summary>
    public async Task<Result<Rewrapped>> RewrapAsync(Principal principal, ReadOnlyMemory<byte> blob, EncryptionContext sourceContext,
        string? destinationReference, EncryptionContext? destinationContext, CancellationToken cancellationToken) =>
        await audit.RecordAsync(principal, "data.rewrap",
            await RewrapCoreAsync(principal, blob, sourceContext, destinationReference, destinationContext, cancellationToken),
            r => (r.KeyId, r.KeyVersion), CiphertextBlob.TryParse(blob)?.KeyId, sourceContext, cancellationToken);

    private async Task<Result<Rewrapped>> RewrapCoreAsync(Principal principal, ReadOnlyMemory<byte> blob, EncryptionContext sourceContext,
        string? destinationReference, EncryptionContext? destinationContext, CancellationToken cancellationToken)
    {
        var decrypted = await DecryptCoreAsync(principal, Operation.Rewrap, blob, sourceContext, cancellationToken);
        if (!decrypted.IsSuccess) return decrypted.Error;
        using var plaintext = decrypted.Value.Plaintext;
        var target = destinationReference ?? decrypted.Value.KeyId;
        var encrypted = await EncryptCoreAsync(principal, Operation.Rewrap, target, plaintext.Reveal().ToArray(), destinationContext ?? sourceContext, clearInput: true, cancellationToken);
        if (!encrypted.IsSuccess) return encrypted.Error;
        var e = encrypted.Value;
        return new Rewrapped(e.CiphertextBlob, e.KeyId, e.KeyVersion, decrypted.Value.KeyId, decrypted.Value.KeyVersion);
    }

    private async Task<Result<Encrypted>> EncryptCoreAsync(Principal principal, Operation operation, string reference, ReadOnlyMemory<byte> plaintext,
        EncryptionContext context, bool clearInput, CancellationToken cancellationToken)
    {
        try
        {
            if (guard.IsSealed) return CustosError.Sealed;
            var resolved = await resolver.ReadAsync(reference, cancellationToken);
            if (!resolved.IsSuccess) return resolved.Error;
            var key = resolved.Value;
            if (await guard.CheckAsync(principal, operation, KeyFacts.Of(key), cancellationToken, ApprovalSubject.ForContext(context)) is { } denied) return denied;
            if (keyLimits.TryAcquire(key.Id) is { } throttled) return throttled; // per-key rate limit
            if (key.CheckUsable() is { } unusable) return unusable;
            if (key.Purpose != KeyPurpose.EncryptDecrypt) return new CustosError(ErrorCode.InvalidKeyUsage, $"key {key.Id} is not for encryption");
            var version = key.Primary;
            if (keystores.ByName(version.Keystore) is not { } keystore)
                return new CustosError(ErrorCode.CustodyUnavailable, $"keystore '{version.Keystore}' is not configured on this server");
            if (keystore.CheckPlaintextLength(plaintext.Length) is { } unsupported) return unsupported;
            var blob = CiphertextBlob.ForEncryption(key.Id, version.Number);
            var payload = await keystore.EncryptAsync(new KeyVersionRef(key.Id, version.Number, key.Spec, version.Material!), plaintext, blob.Aad(context), cancellationToken);
            return new Encrypted(blob.WithPayload(payload), key.Id, version.Number);
        }
        finally
        {
            if (clearInput && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(plaintext, out var segment))
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(segment.AsSpan());
        }
    }

    private async Task<Result<Decrypted>> DecryptCoreAsync(Principal principal, Operation operation, ReadOnlyMemory<byte> blobBytes, EncryptionContext context,
        CancellationToken cancellationToken)
    {
        if (guard.IsSealed) return CustosError.Sealed;
        if (CiphertextBlob.TryParse(blobBytes) is not { } blob) return CustosError.InvalidCiphertext;
        var key = await resolver.ReadByIdAsync(blob.KeyId, cancellationToken);
        if (key is null) return CustosError.InvalidCiphertext;
        if (await guard.CheckAsync(principal, operation, KeyFacts.Of(key), cancellationToken, ApprovalSubject.ForContext(context)) is { } denied) return denied;
        if (keyLimits.TryAcquire(key.Id) is { } throttled) return throttled; // per-key rate limit
        if (key.CheckUsable() is { } unusable) return unusable;
        var version = key.FindVersion(blob.KeyVersion);
        if (version is null) return CustosError.InvalidCiphertext;
        if (version.Material is null) return new CustosError(ErrorCode.KeyDestroyed, $"version {version.Number} of key {key.Id} is destroyed");
        if (keystores.ByName(version.Keystore) is not { } keystore)
            return new CustosError(ErrorCode.CustodyUnavailable, $"keystore '{version.Keystore}' is not configured on this server");
        SecretBytes? plaintext;
        try
        {
            plaintext = await keystore.DecryptAsync(new KeyVersionRef(key.Id, version.Number, key.Spec, version.Material), blob.Payload, blob.Aad(context), principal, cancellationToken);
        }
        catch (CustodiansUnavailableException e)
        {
            return e.ToError(); // fails closed: too few custodians of a threshold key answered
        }
        if (plaintext is null) return CustosError.InvalidCiphertext;
        return new Decrypted(plaintext, key.Id, version.Number);
    }

    /// <summary>
    /// The data-key lease the policy in force gives key <paramref name="keyId"/> (none without a policy source or for an unknown
    /// key). Asked for by a front-end after a generate-data-key, encrypt or decrypt it served, and only when the client wants
    /// leases, so that the data plane does not evaluate caching rules for clients that ignore them.
    /// </summary>
    public async ValueTask<DataKeyLease?> LeaseAsync(string keyId, CancellationToken cancellationToken) =>
        policy is null || await resolver.ReadByIdAsync(keyId, cancellationToken) is not { } key ? null
            : DataKeyLeases.LeaseFor((await policy.GetAsync(cancellationToken)).Document, KeyFacts.Of(key));
}
