using System.Security.Cryptography;
using Custos.Core.Errors;
using Custos.Crypto;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// A logged-in session lent to one operation for the length of its turn, with the lookups and the AES-GCM
/// layout every user of the token shares:
/// <code>{ iv 12 | ciphertext | tag 16 }   CKM_AES_GCM, random 96-bit IV from the .NET CSPRNG, 128-bit tag</code>
/// A <see cref="Pkcs11Exception"/> thrown from here is handled by <see cref="Pkcs11Token"/> (recovery or
/// translation); nothing here catches the codes that mean the session or login is gone.
/// </summary>
internal sealed class Pkcs11Session(Pkcs11Connection connection, ISession session, string tokenLabel, Lock objectWrites)
{
    /// <summary>Bytes of the GCM IV.</summary>
    public const int IvLength = 12;

    /// <summary>Bytes of the GCM tag.</summary>
    public const int TagLength = 16;

    /// <summary>Held while creating or destroying token objects (see <see cref="Pkcs11Token"/>).</summary>
    public Lock ObjectWrites => objectWrites;

    /// <summary>The label of the token the session is on.</summary>
    public string TokenLabel => tokenLabel;

    /// <summary>The Pkcs11Interop session.</summary>
    public ISession Raw => session;

    /// <summary>The connection (slot, module) the session belongs to.</summary>
    public Pkcs11Connection Connection => connection;

    /// <summary>Pkcs11Interop's factories.</summary>
    public static Pkcs11InteropFactories Factories => Pkcs11Module.Factories;

    /// <summary>
    /// Generates an AES-256 token key that never leaves the token: private, sensitive, not extractable,
    /// usable only to encrypt and decrypt, and (where the token allows) neither modifiable nor copyable.
    /// Serialised with the token's other object writes (SoftHSM 2.6 races otherwise).
    /// </summary>
    public IObjectHandle GenerateAesKey(string label, byte[]? ckaId, bool hardened = true)
    {
        List<IObjectAttribute> template =
        [
            Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            Attribute(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            Attribute(CKA.CKA_VALUE_LEN, 32UL),
            Attribute(CKA.CKA_TOKEN, true),
            Attribute(CKA.CKA_PRIVATE, true),
            Attribute(CKA.CKA_SENSITIVE, true),
            Attribute(CKA.CKA_EXTRACTABLE, false),
            Attribute(CKA.CKA_ENCRYPT, true),
            Attribute(CKA.CKA_DECRYPT, true),
            Attribute(CKA.CKA_WRAP, false),
            Attribute(CKA.CKA_UNWRAP, false),
            Attribute(CKA.CKA_SIGN, false),
            Attribute(CKA.CKA_VERIFY, false),
            Attribute(CKA.CKA_DERIVE, false),
            Attribute(CKA.CKA_LABEL, label),
        ];
        if (ckaId is not null) template.Add(Attribute(CKA.CKA_ID, ckaId));
        if (hardened)
        {
            template.Add(Attribute(CKA.CKA_MODIFIABLE, false));
            template.Add(Attribute(CKA.CKA_COPYABLE, false));
        }
        using var mechanism = Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        try
        {
            lock (ObjectWrites) return Raw.GenerateKey(mechanism, template);
        }
        catch (Pkcs11Exception e) when (hardened && e.RV is CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_TEMPLATE_INCONSISTENT)
        {
            // Some tokens (PKCS#11 2.20) know no CKA_COPYABLE or refuse CKA_MODIFIABLE=false at generation.
            return GenerateAesKey(label, ckaId, hardened: false);
        }
    }

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, bool value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, byte[] value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, string value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, ulong value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, CKO value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>Shorthand for an attribute.</summary>
    public static IObjectAttribute Attribute(CKA type, CKK value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>The AES key of a key version, or null when the token has no object with its <c>CKA_ID</c>.</summary>
    public IObjectHandle? FindKey(Pkcs11ObjectId id)
    {
        if (connection.KeyHandles.TryGetValue(id, out var cached)) return cached;
        var found = FindOne([Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attribute(CKA.CKA_ID, id.ToCkaId())], id.Label);
        if (found is not null) connection.KeyHandles[id] = found;
        return found;
    }

    /// <summary>Forgets the cached handle of a key version (after destroying it).</summary>
    public void ForgetKey(Pkcs11ObjectId id) => connection.KeyHandles.TryRemove(id, out _);

    /// <summary>The object of <paramref name="objectClass"/> labelled <paramref name="label"/>, or null.</summary>
    public IObjectHandle? FindByLabel(CKO objectClass, string label)
    {
        if (connection.LabelHandles.TryGetValue((objectClass, label), out var cached)) return cached;
        var found = FindOne([Attribute(CKA.CKA_CLASS, objectClass), Attribute(CKA.CKA_LABEL, label)], label);
        if (found is not null) connection.LabelHandles[(objectClass, label)] = found;
        return found;
    }

    /// <summary>Remembers a labelled object just created.</summary>
    public void RememberLabel(CKO objectClass, string label, IObjectHandle handle) => connection.LabelHandles[(objectClass, label)] = handle;

    private IObjectHandle? FindOne(List<IObjectAttribute> template, string what)
    {
        var found = session.FindAllObjects(template);
        if (found.Count == 1) return found[0];
        if (found.Count > 1) throw Error.Invariant($"HSM token '{tokenLabel}' holds {found.Count} objects for {what}; Custos expects one");
        // Private objects are invisible to a session that is not logged in (another user of the module may have
        // logged the application out): "not found" is only an answer once the login is confirmed.
        CheckLoggedIn();
        return null;
    }

    /// <summary>Throws <c>CKR_USER_NOT_LOGGED_IN</c> (which the token recovers from) when the login is gone.</summary>
    public void CheckLoggedIn()
    {
        var state = session.GetSessionInfo().State;
        if (state is not (CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS))
            throw new Pkcs11Exception("C_GetSessionInfo", CKR.CKR_USER_NOT_LOGGED_IN);
    }

    /// <summary>Encrypts with <c>CKM_AES_GCM</c> and returns <c>{ iv | ciphertext | tag }</c>.</summary>
    public byte[] SealGcm(IObjectHandle key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        var iv = RandomNumberGenerator.GetBytes(IvLength);
        var input = plaintext.ToArray();
        try
        {
            using var parameters = Factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvLength * 8, aad.ToArray(), TagLength * 8);
            using var mechanism = Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            var sealedPart = session.Encrypt(mechanism, key, input);
            var output = new byte[IvLength + sealedPart.Length];
            iv.CopyTo(output, 0);
            sealedPart.CopyTo(output, IvLength);
            return output;
        }
        finally { CryptographicOperations.ZeroMemory(input); }
    }

    /// <summary>
    /// Opens <c>{ iv | ciphertext | tag }</c>; null when it does not authenticate under <paramref name="aad"/>
    /// or is too short. SoftHSM reports a bad tag as <c>CKR_GENERAL_ERROR</c>, so that code (and the two data
    /// codes) count as "does not authenticate" only once the session is confirmed alive and logged in; a
    /// genuine device failure fails that check and surfaces as an error, not as a forged ciphertext.
    /// </summary>
    public SecretBytes? OpenGcm(IObjectHandle key, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad)
    {
        if (blob.Length < IvLength + TagLength) return null;
        try
        {
            using var parameters = Factories.MechanismParamsFactory.CreateCkGcmParams(blob[..IvLength].ToArray(), IvLength * 8, aad.ToArray(), TagLength * 8);
            using var mechanism = Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            var plaintext = session.Decrypt(mechanism, key, blob[IvLength..].ToArray());
            return SecretBytes.TakeFrom(plaintext);
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_GENERAL_ERROR or CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE)
        {
            CheckLoggedIn();
            return null;
        }
    }

    /// <summary>Reads boolean attributes; a value the token will not reveal reads as null.</summary>
    public Dictionary<CKA, bool?> ReadBooleans(IObjectHandle handle, params CKA[] types)
    {
        var values = session.GetAttributeValue(handle, [.. types]);
        var result = new Dictionary<CKA, bool?>();
        for (int i = 0; i < types.Length; i++) result[types[i]] = values[i].CannotBeRead ? null : values[i].GetValueAsBool();
        return result;
    }
}
