using System.Text;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>What only the HSM keystore does: the key object's attributes, destruction in the token, evidence.</summary>
public sealed class Pkcs11KeystoreTests(SoftHsm hsm)
{
    private static readonly byte[] Aad = Encoding.UTF8.GetBytes("tenant=a");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<KeyVersionRef> NewVersionAsync(Pkcs11Keystore keystore, int version = 1)
    {
        var keyId = Guid.CreateVersion7().ToString("D");
        return new KeyVersionRef(keyId, version, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, version, KeySpec.Aes256Gcm, Ct));
    }

    [Fact]
    public void Names_itself_after_the_token_with_hsm_custody()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);

        Assert.Equal("hsm:" + SoftHsm.Shared, keystore.Name);
        Assert.Equal(KeyCustody.Hsm, keystore.Custody);
    }

    [Fact]
    public async Task The_handle_is_a_format_byte_and_the_cka_id_key_id_version_and_nonce()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v = await NewVersionAsync(keystore, version: 7);

        Assert.Equal(29, v.Material.Length);
        Assert.Equal(0x01, v.Material[0]);
        Assert.Equal(Guid.Parse(v.KeyId).ToByteArray(bigEndian: true), v.Material[1..17]);
        Assert.Equal(new byte[] { 0, 0, 0, 7 }, v.Material[17..21]);
    }

    [Fact]
    public async Task The_key_object_is_a_non_extractable_sensitive_token_aes_key_for_encrypt_and_decrypt_only()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v = await NewVersionAsync(keystore);
        var ckaId = v.Material[1..];

        var (flags, label, value, keyType, length) = await hsm.SharedToken.RunAsync(Pkcs11Operation.Inspect, ckaId, static (s, id) =>
        {
            var key = s.Raw.FindAllObjects([Pkcs11Session.Attribute(CKA.CKA_ID, id)]).Single();
            var flags = s.ReadBooleans(key, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_MODIFIABLE,
                CKA.CKA_COPYABLE, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_SIGN, CKA.CKA_VERIFY,
                CKA.CKA_DERIVE, CKA.CKA_LOCAL, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE);
            var other = s.Raw.GetAttributeValue(key, [CKA.CKA_LABEL, CKA.CKA_VALUE, CKA.CKA_KEY_TYPE, CKA.CKA_VALUE_LEN]);
            return (flags, other[0].GetValueAsString(), other[1], other[2].GetValueAsUlong(), other[3].GetValueAsUlong());
        }, Ct);

        Assert.Equal($"custos:{v.KeyId}:v1", label);
        Assert.Equal((ulong)CKK.CKK_AES, keyType);
        Assert.Equal(32UL, length);
        foreach (var yes in new[] { CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_LOCAL, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE })
            Assert.True(flags[yes] == true, $"{yes} should be true");
        foreach (var no in new[] { CKA.CKA_EXTRACTABLE, CKA.CKA_MODIFIABLE, CKA.CKA_COPYABLE, CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_SIGN, CKA.CKA_VERIFY, CKA.CKA_DERIVE })
            Assert.True(flags[no] == false, $"{no} should be false");
        // The key value does not come back: SoftHSM answers "cannot be read" rather than failing the call.
        Assert.True(value.CannotBeRead);
    }

    [Fact]
    public async Task Wrapping_the_key_out_of_the_token_fails_with_key_unextractable()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v = await NewVersionAsync(keystore);

        var rv = await hsm.SharedToken.RunAsync(Pkcs11Operation.Inspect, v.Material[1..], static (s, id) =>
        {
            var target = s.Raw.FindAllObjects([Pkcs11Session.Attribute(CKA.CKA_ID, id)]).Single();
            using var generate = Pkcs11Session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            var wrappingKey = s.Raw.GenerateKey(generate,
            [
                Pkcs11Session.Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Pkcs11Session.Attribute(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                Pkcs11Session.Attribute(CKA.CKA_VALUE_LEN, 32UL), Pkcs11Session.Attribute(CKA.CKA_TOKEN, false),
                Pkcs11Session.Attribute(CKA.CKA_WRAP, true), Pkcs11Session.Attribute(CKA.CKA_UNWRAP, true),
            ]);
            try
            {
                using var wrap = Pkcs11Session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                s.Raw.WrapKey(wrap, wrappingKey, target);
                return CKR.CKR_OK;
            }
            catch (Pkcs11Exception e) { return e.RV; }
            finally { s.Raw.DestroyObject(wrappingKey); }
        }, Ct);

        Assert.Equal(CKR.CKR_KEY_UNEXTRACTABLE, rv);
    }

    [Fact]
    public async Task A_new_token_instance_as_after_a_restart_decrypts_what_the_first_encrypted()
    {
        byte[] dek = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        KeyVersionRef v;
        byte[] ciphertext;
        using (var first = hsm.Open(SoftHsm.Restart))
        {
            var keystore = new Pkcs11Keystore(first);
            v = await NewVersionAsync(keystore);
            ciphertext = await keystore.EncryptAsync(v, dek, Aad, Ct);
        }

        using var second = hsm.Open(SoftHsm.Restart);
        using var opened = await new Pkcs11Keystore(second).DecryptAsync(v, ciphertext, Aad, Ct);

        Assert.Equal(dek, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task Evidence_reads_back_local_always_sensitive_never_extractable_and_the_token()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v = await NewVersionAsync(keystore);
        var serial = await hsm.SharedToken.RunAsync(Pkcs11Operation.Inspect, 0, static (s, _) => s.Connection.Slot.GetTokenInfo().SerialNumber, Ct);

        var evidence = await keystore.GetEvidenceAsync(v, Ct);

        Assert.NotNull(evidence);
        Assert.Equal("true", evidence["pkcs11.cka_local"]);
        Assert.Equal("true", evidence["pkcs11.cka_always_sensitive"]);
        Assert.Equal("true", evidence["pkcs11.cka_never_extractable"]);
        Assert.Equal("false", evidence["pkcs11.cka_extractable"]);
        Assert.Equal("true", evidence["pkcs11.cka_sensitive"]);
        Assert.Equal(serial, evidence["token.serial"]);
        Assert.Matches("^[0-9a-f]{16}$", evidence["token.serial"]);
        Assert.Equal(SoftHsm.Shared, evidence["token.label"]);
        Assert.Equal("SoftHSM project", evidence["token.manufacturer"]);
        Assert.Equal("SoftHSM v2", evidence["token.model"]);
        Assert.Equal("Implementation of PKCS11", evidence["module.library_description"]);
        Assert.All(evidence.Keys, k => Assert.Matches("^[a-z0-9_]+\\.[a-z0-9_.]+$", k));
    }

    [Fact]
    public async Task Two_versions_of_one_key_are_two_objects_and_destroying_one_keeps_the_other()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v1 = await NewVersionAsync(keystore, 1);
        var v2 = new KeyVersionRef(v1.KeyId, 2, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(v1.KeyId, 2, KeySpec.Aes256Gcm, Ct));
        var ciphertext = await keystore.EncryptAsync(v2, new byte[] { 4, 2 }, Aad, Ct);

        await keystore.DestroyKeyAsync(v1, Ct);

        using var opened = await keystore.DecryptAsync(v2, ciphertext, Aad, Ct);
        Assert.Equal(new byte[] { 4, 2 }, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task A_keystore_opened_from_options_owns_its_token_and_closes_it()
    {
        var keystore = Pkcs11Keystore.Open(hsm.Options(SoftHsm.Restart));
        var v = await NewVersionAsync(keystore);

        keystore.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct).AsTask());
    }

    [Fact]
    public async Task More_than_4_KiB_of_plaintext_is_misuse()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);
        var v = await NewVersionAsync(keystore);

        await Assert.ThrowsAsync<ArgumentException>(() => keystore.EncryptAsync(v, new byte[4097], Aad, Ct).AsTask());
    }

    [Fact]
    public async Task A_key_id_that_is_not_a_custos_id_is_misuse()
    {
        using var keystore = new Pkcs11Keystore(hsm.SharedToken);

        await Assert.ThrowsAsync<ArgumentException>(() => keystore.CreateKeyAsync("not-a-uuid", 1, KeySpec.Aes256Gcm, Ct).AsTask());
    }
}
