using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Keystores.Software;
using Custos.Keystores.Tests.Contracts;

namespace Custos.Keystores.Tests.Software;

/// <summary>The keystore contract over <see cref="SoftwareKeystore"/>, plus what only the software keystore does.</summary>
public sealed class SoftwareKeystoreTests : KeystoreContract
{
    private static readonly byte[] Aad = [1, 2, 3];

    /// <inheritdoc />
    protected override IKeystore CreateKeystore(IKeyringProvider keyring) => new SoftwareKeystore(keyring);

    [Fact]
    public void Names_itself_software_with_software_custody()
    {
        Assert.Equal("software", Keystore.Name);
        Assert.Equal(KeyCustody.Software, Keystore.Custody);
    }

    [Fact]
    public async Task The_handle_is_nonce_sealed_key_and_tag_60_bytes()
    {
        var v = await NewVersionAsync();

        // { nonce 12 | key 32 | tag 16 }: the key itself is never in the handle, only sealed under the keyring.
        Assert.Equal(60, v.Material.Length);
    }

    [Fact]
    public async Task Destroy_drops_the_opened_copy_only_the_repository_deleting_the_handle_destroys_the_key()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 9 }, Aad, Ct);

        await Keystore.DestroyKeyAsync(v, Ct);

        // The software key exists only as the sealed handle, which the repository deletes with the version;
        // DestroyKeyAsync only zeroes the in-memory copy. Anyone still holding the handle (and the keyring)
        // can open it again - so destruction means deleting every copy of the handle.
        using var opened = await Keystore.DecryptAsync(v, ciphertext, Aad, Ct);
        Assert.Equal(new byte[] { 9 }, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task An_opened_key_is_served_from_memory_until_the_sealed_event()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 5 }, Aad, Ct);
        var keyring = Keyring.HideKeyringSilently()!;

        // Without the event the cache still answers: this is why listening to Sealed matters.
        (await Keystore.DecryptAsync(v, ciphertext, Aad, Ct))!.Dispose();
        Keyring.Restore(keyring);
        Keyring.Seal();

        await Assert.ThrowsAsync<Core.Errors.CustosUnavailableException>(() => Keystore.DecryptAsync(v, ciphertext, Aad, Ct).AsTask());
    }

    [Fact]
    public async Task Dispose_stops_listening_and_zeroes_opened_keys()
    {
        var keystore = new SoftwareKeystore(Keyring);
        var v = await NewVersionAsync(keystore: keystore);
        await keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct);

        keystore.Dispose();
        Keyring.Seal(); // must not reach the disposed keystore
    }

    [Fact]
    public async Task Unsupported_spec_is_misuse()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Keystore.CreateKeyAsync(Guid.CreateVersion7().ToString("D"), 1, (KeySpec)99, Ct).AsTask());
    }
}
