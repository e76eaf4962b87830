using System.Globalization;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// The PKCS#11 HSM keystore (custody <see cref="KeyCustody.Hsm"/>). Each key version is an AES-256 key generated
/// inside the token and never leaving it: <c>CKA_TOKEN</c>, <c>CKA_PRIVATE</c>, <c>CKA_SENSITIVE</c>, not
/// <c>CKA_EXTRACTABLE</c>, not <c>CKA_MODIFIABLE</c> or <c>CKA_COPYABLE</c> where the token allows, usable
/// only to encrypt and decrypt. The version's material is the non-secret handle of <see cref="Pkcs11ObjectId"/>
/// (<c>{ 0x01 | CKA_ID 28 }</c>); ciphertexts are <c>{ iv 12 | ciphertext | tag 16 }</c> of
/// <c>CKM_AES_GCM</c>. When built with the seal state, the keystore refuses to use keys while Custos is sealed,
/// like the software keystore.
/// </summary>
public sealed class Pkcs11Keystore : IKeystore, IDisposable
{
    /// <summary>Largest plaintext accepted (a data key or small data).</summary>
    public const int MaxPlaintextLength = 4096;

    private const int MaxCiphertextLength = Pkcs11Session.IvLength + MaxPlaintextLength + Pkcs11Session.TagLength;
    private readonly Pkcs11Token _token;
    private readonly IKeyringProvider? _sealState;
    private readonly bool _ownsToken;

    /// <summary>
    /// A keystore on <paramref name="token"/>, which the caller keeps and disposes. With
    /// <paramref name="sealState"/>, creating and using keys is refused while it has no keyring (sealed).
    /// </summary>
    public Pkcs11Keystore(Pkcs11Token token, IKeyringProvider? sealState = null)
        : this(token, sealState, ownsToken: false)
    {
    }

    private Pkcs11Keystore(Pkcs11Token token, IKeyringProvider? sealState, bool ownsToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        _token = token;
        _sealState = sealState;
        _ownsToken = ownsToken;
    }

    /// <summary>Opens the token of <paramref name="options"/> for this keystore alone; disposing the keystore closes it.</summary>
    public static Pkcs11Keystore Open(Pkcs11Options options, IKeyringProvider? sealState = null, ILogger? logger = null) =>
        new(Pkcs11Token.Open(options, logger), sealState, ownsToken: true);

    /// <summary>The token the keys live on.</summary>
    public Pkcs11Token Token => _token;

    /// <inheritdoc />
    public string Name => _token.Name;

    /// <inheritdoc />
    public KeyCustody Custody => KeyCustody.Hsm;

    /// <inheritdoc />
    public ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, CancellationToken cancellationToken)
    {
        CheckSpec(spec);
        var guid = Pkcs11ObjectId.ParseKeyId(keyId) ?? throw new ArgumentException($"'{keyId}' is not a Custos key id", nameof(keyId));
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        CheckUnsealed();
        var id = Pkcs11ObjectId.New(guid, version);
        return _token.RunAsync(Pkcs11Operation.CreateKey, id, static (s, id) =>
        {
            var handle = s.GenerateAesKey(id.Label, id.ToCkaId());
            s.Connection.KeyHandles[id] = handle;
            return id.ToHandle();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken)
    {
        CheckSpec(version.Spec);
        if (plaintext.Length > MaxPlaintextLength)
            throw new ArgumentException($"the HSM keystore encrypts at most {MaxPlaintextLength} bytes", nameof(plaintext));
        var id = IdOf(version);
        CheckUnsealed();
        return _token.RunAsync(Pkcs11Operation.Encrypt, (Id: id, version.KeyId, Plaintext: plaintext, Aad: aad), static (s, a) =>
            s.SealGcm(KeyOf(s, a.Id, a.KeyId), a.Plaintext.Span, a.Aad.Span), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken)
    {
        CheckSpec(version.Spec);
        var id = IdOf(version);
        CheckUnsealed();
        if (ciphertext.Length is < Pkcs11Session.IvLength + Pkcs11Session.TagLength or > MaxCiphertextLength)
            return ValueTask.FromResult<SecretBytes?>(null);
        return _token.RunAsync(Pkcs11Operation.Decrypt, (Id: id, version.KeyId, Ciphertext: ciphertext, Aad: aad), static (s, a) =>
            s.OpenGcm(KeyOf(s, a.Id, a.KeyId), a.Ciphertext.Span, a.Aad.Span), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DestroyKeyAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        var id = IdOf(version);
        await _token.RunAsync(Pkcs11Operation.DestroyKey, id, static (s, id) =>
        {
            var key = s.FindKey(id);
            if (key is null) return false; // already gone: destruction is idempotent
            try
            {
                lock (s.ObjectWrites) s.Raw.DestroyObject(key);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_OBJECT_HANDLE_INVALID)
            {
                // Destroyed meanwhile by another process; confirm below.
            }
            s.ForgetKey(id);
            if (s.FindKey(id) is not null) throw Error.Invariant($"the HSM object {id.Label} is still present after C_DestroyObject");
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Evidence read back from the token for the version's key: <c>pkcs11.cka_local</c>,
    /// <c>pkcs11.cka_always_sensitive</c>, <c>pkcs11.cka_never_extractable</c>, <c>pkcs11.cka_extractable</c>,
    /// <c>pkcs11.cka_sensitive</c>, <c>pkcs11.cka_modifiable</c> ("true"/"false", "unreadable" when the token
    /// will not say), <c>pkcs11.cka_label</c>, the token's <c>token.label</c>, <c>token.manufacturer</c>,
    /// <c>token.model</c>, <c>token.serial</c>, and the module's <c>module.library_description</c>,
    /// <c>module.library_version</c>, <c>module.manufacturer</c>, <c>module.cryptoki_version</c>.
    /// </summary>
    public ValueTask<IReadOnlyDictionary<string, string>?> GetEvidenceAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        var id = IdOf(version);
        return _token.RunAsync(Pkcs11Operation.Evidence, (Id: id, version.KeyId), static (s, a) =>
        {
            var key = KeyOf(s, a.Id, a.KeyId);
            var flags = s.ReadBooleans(key, CKA.CKA_LOCAL, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE,
                CKA.CKA_EXTRACTABLE, CKA.CKA_SENSITIVE, CKA.CKA_MODIFIABLE);
            var token = Pkcs11Connection.ReadTokenInfo(s.Connection.Slot);
            var module = s.Connection.Library.GetInfo();
            var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (type, value) in flags)
                evidence["pkcs11." + type.ToString().ToLowerInvariant()] = value is { } b ? (b ? "true" : "false") : "unreadable";
            evidence["pkcs11.cka_label"] = a.Id.Label;
            evidence["token.label"] = token.Label;
            evidence["token.manufacturer"] = token.ManufacturerId;
            evidence["token.model"] = token.Model;
            evidence["token.serial"] = token.SerialNumber;
            evidence["module.library_description"] = module.LibraryDescription;
            evidence["module.library_version"] = module.LibraryVersion;
            evidence["module.manufacturer"] = module.ManufacturerId;
            evidence["module.cryptoki_version"] = module.CryptokiVersion;
            return (IReadOnlyDictionary<string, string>?)evidence;
        }, cancellationToken);
    }

    private static IObjectHandle KeyOf(Pkcs11Session s, Pkcs11ObjectId id, string keyId) =>
        s.FindKey(id) ?? throw Error.Invariant(string.Create(CultureInfo.InvariantCulture,
            $"the HSM key of {keyId} v{id.Version} is not on token '{s.TokenLabel}' (destroyed, or made on another token)"));

    private static Pkcs11ObjectId IdOf(KeyVersionRef version)
    {
        var id = Pkcs11ObjectId.FromHandle(version.Material)
            ?? throw Error.Invariant($"the key material of {version.KeyId} v{version.Version} is not a PKCS#11 handle");
        if (Pkcs11ObjectId.ParseKeyId(version.KeyId) != id.KeyId || version.Version != id.Version)
            throw Error.Invariant($"the PKCS#11 handle presented for {version.KeyId} v{version.Version} belongs to {id.KeyId:D} v{id.Version}");
        return id;
    }

    private static void CheckSpec(KeySpec spec)
    {
        if (spec != KeySpec.Aes256Gcm) throw new ArgumentException($"the HSM keystore does not support {spec}");
    }

    private void CheckUnsealed()
    {
        if (_sealState is not null && _sealState.Keyring is null) throw Error.Unavailable("Custos is sealed");
    }

    /// <summary>Closes the token when this keystore opened it (<see cref="Open"/>); a shared token stays open.</summary>
    public void Dispose()
    {
        if (_ownsToken) _token.Dispose();
    }
}
