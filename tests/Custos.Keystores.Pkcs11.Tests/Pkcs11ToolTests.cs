using System.Text;
using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>
/// The token as another program sees it: <c>pkcs11-tool</c> (OpenSC) listing the objects, run as a real process.
/// Runs alone: while a second process has the token store open, SoftHSM's file store can fail this process's
/// writes (<c>CKR_GENERAL_ERROR</c> from <c>C_GenerateKey</c>, <c>C_GetTokenInfo</c>), which would make the
/// parallel tests flaky.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class Pkcs11ToolTests(SoftHsm hsm)
{
    private static readonly byte[] Aad = Encoding.UTF8.GetBytes("tenant=a");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_destroy_pkcs11_tool_no_longer_lists_the_key_and_did_before()
    {
        using var token = hsm.Open(SoftHsm.Tool);
        var keystore = new Pkcs11Keystore(token);
        var keyId = Guid.CreateVersion7().ToString("D");
        var v = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct));
        var label = $"custos:{v.KeyId}:v1";
        string[] list = ["--login", "--pin", hsm.Pin, "--token-label", SoftHsm.Tool, "--list-objects", "--type", "secrkey"];

        var before = hsm.Pkcs11Tool(list);
        await keystore.DestroyKeyAsync(v, Ct);
        var after = hsm.Pkcs11Tool(list);

        Assert.True(before.Exit == 0, before.Output);
        Assert.Contains(label, before.Output, StringComparison.Ordinal);
        Assert.True(after.Exit == 0, after.Output);
        Assert.DoesNotContain(label, after.Output, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct).AsTask());
    }
}
