using System.Text;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>Opening a token (one clear sentence per failure) and recovering when its sessions or login vanish.</summary>
public sealed class Pkcs11TokenTests(SoftHsm hsm)
{
    private static readonly byte[] Aad = Encoding.UTF8.GetBytes("tenant=a");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_wrong_pin_is_one_sentence_naming_the_token_and_not_the_pin()
    {
        const string wrongPin = "wrong-pin-7413";

        var e = Assert.Throws<CustosUnavailableException>(() => Pkcs11Token.Open(hsm.Options(SoftHsm.WrongPin, pin: wrongPin)));

        Assert.Equal($"the HSM rejected the PIN for token '{SoftHsm.WrongPin}'", e.Message);
        Assert.DoesNotContain(wrongPin, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.Pin, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_label_names_it_and_lists_the_labels_present()
    {
        var e = Assert.Throws<CustosUnavailableException>(() => Pkcs11Token.Open(hsm.Options("no-such-token")));

        Assert.StartsWith($"no token labelled 'no-such-token' in PKCS#11 module '{SoftHsm.ModulePath}' (labels present: ", e.Message);
        Assert.Contains($"'{SoftHsm.Shared}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{SoftHsm.WrongPin}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.Pin, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_module_names_the_path()
    {
        var e = Assert.Throws<CustosUnavailableException>(() =>
            Pkcs11Token.Open(hsm.Options(SoftHsm.Shared, modulePath: "/nonexistent/libpkcs11-module.so")));

        Assert.Equal("the PKCS#11 module library '/nonexistent/libpkcs11-module.so' does not exist", e.Message);
    }

    [Fact]
    public void A_library_that_is_not_a_pkcs11_module_is_one_sentence_naming_the_path()
    {
        // Any shared library without C_GetFunctionList will do; libdl.so.2 is the one this adapter already needs.
        var path = new[] { "/lib/x86_64-linux-gnu/libdl.so.2", "/usr/lib/x86_64-linux-gnu/libdl.so.2", "/lib/aarch64-linux-gnu/libdl.so.2" }.First(File.Exists);

        var e = Assert.Throws<CustosUnavailableException>(() => Pkcs11Token.Open(hsm.Options(SoftHsm.Shared, modulePath: path)));

        Assert.StartsWith($"the PKCS#11 module library '{path}' could not be loaded (", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task After_all_sessions_are_closed_behind_its_back_the_next_operation_reconnects_and_succeeds()
    {
        using var token = hsm.Open(SoftHsm.Recovery);
        var keystore = new Pkcs11Keystore(token);
        var (v, ciphertext) = await EncryptedAsync(keystore);
        int generation = token.Generation;

        // A second Pkcs11Interop handle on the same module, as another component of the process would have.
        // Never disposed: its Dispose would C_Finalize the module for everyone.
        var other = Pkcs11Session.Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Pkcs11Session.Factories, SoftHsm.ModulePath, AppType.MultiThreaded);
        SlotOf(other, SoftHsm.Recovery).CloseAllSessions();

        using var opened = await keystore.DecryptAsync(v, ciphertext, Aad, Ct);
        Assert.Equal(new byte[] { 1, 2, 3 }, opened!.Reveal().ToArray());
        Assert.Equal(generation + 1, token.Generation);
        Assert.NotNull(await keystore.EncryptAsync(v, new byte[] { 4 }, Aad, Ct));
    }

    [Fact]
    public async Task After_a_logout_behind_its_back_the_next_operation_logs_in_again_and_succeeds()
    {
        using var token = hsm.Open(SoftHsm.Recovery);
        var keystore = new Pkcs11Keystore(token);
        var (v, ciphertext) = await EncryptedAsync(keystore);

        var other = Pkcs11Session.Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Pkcs11Session.Factories, SoftHsm.ModulePath, AppType.MultiThreaded);
        using (var session = SlotOf(other, SoftHsm.Recovery).OpenSession(SessionType.ReadOnly)) session.Logout();

        // The cached object handle died with the login (SoftHSM: CKR_OBJECT_HANDLE_INVALID), and a lookup now
        // finds nothing because private objects are hidden: neither may be mistaken for a missing key.
        using var opened = await keystore.DecryptAsync(v, ciphertext, Aad, Ct);
        Assert.Equal(new byte[] { 1, 2, 3 }, opened!.Reveal().ToArray());

        // Destroy after a logout must destroy, not conclude from the hidden object that it is already gone.
        using (var session = SlotOf(other, SoftHsm.Recovery).OpenSession(SessionType.ReadOnly)) session.Logout();
        await keystore.DestroyKeyAsync(v, Ct);
        using var fresh = hsm.Open(SoftHsm.Recovery);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new Pkcs11Keystore(fresh).DecryptAsync(v, ciphertext, Aad, Ct).AsTask());
        Assert.Contains("is not on token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_destroyed_through_another_token_instance_is_reported_missing_not_as_a_device_failure()
    {
        using var token = hsm.Open(SoftHsm.Restart, poolSize: 1);
        var keystore = new Pkcs11Keystore(token);
        var (v, ciphertext) = await EncryptedAsync(keystore);
        int generation = token.Generation;
        using var other = hsm.Open(SoftHsm.Restart);

        await new Pkcs11Keystore(other).DestroyKeyAsync(v, Ct);

        // The cached handle is stale (CKR_OBJECT_HANDLE_INVALID): the session and the login stay, the lookup says "gone".
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => keystore.DecryptAsync(v, ciphertext, Aad, Ct).AsTask());
        Assert.Contains($"the HSM key of {v.KeyId} v1 is not on token '{SoftHsm.Restart}'", e.Message, StringComparison.Ordinal);
        Assert.Equal(generation, token.Generation);
        await keystore.DestroyKeyAsync(v, Ct); // and destroying it again is fine
    }

    [Fact]
    public void Options_must_name_exactly_one_of_label_and_slot()
    {
        var both = hsm.Options(SoftHsm.Shared);
        Assert.Throws<ArgumentException>(() => Pkcs11Token.Open(new Pkcs11Options { ModulePath = both.ModulePath, Pin = both.Pin, TokenLabel = "a", SlotId = 1 }));
        Assert.Throws<ArgumentException>(() => Pkcs11Token.Open(new Pkcs11Options { ModulePath = both.ModulePath, Pin = both.Pin }));
    }

    [Fact]
    public async Task A_token_opened_by_slot_id_takes_its_label_from_the_token()
    {
        var slotId = await hsm.SharedToken.RunAsync(Pkcs11Operation.Inspect, 0, static (s, _) => s.Connection.Slot.SlotId, Ct);
        var options = hsm.Options(SoftHsm.Shared);

        using var token = Pkcs11Token.Open(new Pkcs11Options { ModulePath = options.ModulePath, Pin = options.Pin, SlotId = slotId });

        Assert.Equal(SoftHsm.Shared, token.Label);
        Assert.Equal("hsm:" + SoftHsm.Shared, token.Name);
    }

    [Fact]
    public void The_pool_defaults_to_eight_sessions_when_softhsm_sets_no_limit_and_in_flight_never_exceeds_the_pool()
    {
        Assert.Equal(Pkcs11Options.DefaultSessionPoolSize, hsm.SharedToken.SessionPoolSize);
        using var token = hsm.Open(SoftHsm.Restart, maxInFlight: 50, poolSize: 3);
        Assert.Equal(3, token.MaxInFlight);
    }

    private static async Task<(KeyVersionRef, byte[])> EncryptedAsync(Pkcs11Keystore keystore)
    {
        var keyId = Guid.CreateVersion7().ToString("D");
        var v = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct));
        return (v, await keystore.EncryptAsync(v, new byte[] { 1, 2, 3 }, Aad, Ct));
    }

    private static ISlot SlotOf(IPkcs11Library library, string label) =>
        library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label == label);
}
