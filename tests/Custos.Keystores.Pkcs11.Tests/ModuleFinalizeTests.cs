using Custos.Core.Keys;
using Custos.Core.Ports;
using Net.Pkcs11Interop.Common;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>
/// The module restarted behind the token's back (<c>C_Finalize</c> through another handle). Runs alone: finalising
/// the module ends every session of the process, not only this test's.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ModuleFinalizeTests(SoftHsm hsm)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_the_module_is_finalised_the_next_operation_reinitialises_it_and_succeeds()
    {
        using var token = hsm.Open(SoftHsm.Finalize);
        var keystore = new Pkcs11Keystore(token);
        var keyId = Guid.CreateVersion7().ToString("D");
        var v = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct));
        var ciphertext = await keystore.EncryptAsync(v, new byte[] { 9, 9 }, ReadOnlyMemory<byte>.Empty, Ct);

        var other = Pkcs11Session.Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Pkcs11Session.Factories, SoftHsm.ModulePath, AppType.MultiThreaded);
        other.Dispose(); // C_Finalize: every session and login of the process is gone, and the module is uninitialised

        using var opened = await keystore.DecryptAsync(v, ciphertext, ReadOnlyMemory<byte>.Empty, Ct);
        Assert.Equal(new byte[] { 9, 9 }, opened!.Reveal().ToArray());
        // Another token of the process (the one the other tests share) recovers the same way on its next use.
        var shared = new Pkcs11Keystore(hsm.SharedToken);
        var otherKeyId = Guid.CreateVersion7().ToString("D");
        Assert.NotEmpty(await shared.CreateKeyAsync(otherKeyId, 1, KeySpec.Aes256Gcm, Ct));
    }
}
