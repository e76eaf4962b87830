using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Core.Seal;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;
using Custos.Crypto.Primitives;
using Microsoft.Extensions.Logging.Abstractions;

namespace Custos.Core.Tests.Seal;

/// <summary>Seal type "hsm" over a fake protector (the PKCS#11 one is tested against SoftHSM2 in the keystore tests).</summary>
public sealed class HsmSealTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>An in-memory wrapping key: a stand-in for the HSM's.</summary>
    private sealed class FakeProtector(string name) : IRootKeyProtector
    {
        private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        public int Unwraps { get; private set; }
        public string Name => name;
        public byte[] Protect(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad) => Aead.Seal(_key, secret, aad);
        public SecretBytes? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad)
        {
            Unwraps++;
            return Aead.Open(_key, blob, aad);
        }
    }

    private static SealManager Restarted(CoreFixture f, IRootKeyProtector? protector) =>
        new(f.Store, f.Tokens, f.Audit, new NodeIdentity("test-node"), f.Time, NullLogger<SealManager>.Instance, protector);

    [Fact]
    public async Task Init_wraps_the_root_key_in_the_HSM_and_leaves_Custos_unsealed()
    {
        var f = new CoreFixture(unseal: false);
        var hsm = new FakeProtector("hsm:test/custos-root-wrap");
        var seal = Restarted(f, hsm);

        var init = (await seal.InitializeAsync(3, 2, SealManager.HsmType, None)).Value;

        Assert.Equal(3, init.Shares.Count); // recovery shares
        Assert.False(seal.IsSealed);
        var config = await f.Store.GetAsync(None);
        Assert.Equal("hsm", config!.Type);
        Assert.Equal("hsm:test/custos-root-wrap", config.RootKeyProtector);
        Assert.NotNull(config.WrappedRootKey);
    }

    [Fact]
    public async Task After_a_restart_the_HSM_unseals_without_shares_and_the_event_is_recorded()
    {
        var f = new CoreFixture(unseal: false);
        var hsm = new FakeProtector("hsm:test/custos-root-wrap");
        await Restarted(f, hsm).InitializeAsync(3, 2, SealManager.HsmType, None);

        var afterRestart = Restarted(f, hsm);
        Assert.True(afterRestart.IsSealed);
        var status = await afterRestart.AutoUnsealAsync(None);

        Assert.False(status.Value.Sealed);
        Assert.NotNull(afterRestart.Keyring);
        Assert.Equal(1, hsm.Unwraps);
        Assert.Contains(f.Audit.Events, e => e.Operation == "sys.auto-unseal" && e.Outcome == AuditOutcome.Allowed);
    }

    [Fact]
    public async Task The_recovery_shares_unseal_when_the_HSM_is_gone()
    {
        var f = new CoreFixture(unseal: false);
        var init = (await Restarted(f, new FakeProtector("hsm:a/custos-root-wrap")).InitializeAsync(3, 2, SealManager.HsmType, None)).Value;

        var withoutHsm = Restarted(f, null);
        var auto = await withoutHsm.AutoUnsealAsync(None);
        Assert.Equal(ErrorCode.Unavailable, auto.Error!.Code);
        Assert.Contains("recovery shares", auto.Error.Message, StringComparison.Ordinal);
        Assert.Contains("hsm:a/custos-root-wrap", auto.Error.Message, StringComparison.Ordinal);
        Assert.True(withoutHsm.IsSealed);

        await withoutHsm.SubmitShareAsync(init.Shares[0], None);
        var done = await withoutHsm.SubmitShareAsync(init.Shares[2], None);
        Assert.False(done.Value.Sealed);
    }

    [Fact]
    public async Task Another_HSM_key_does_not_open_the_root_key_and_says_so()
    {
        var f = new CoreFixture(unseal: false);
        await Restarted(f, new FakeProtector("hsm:a/custos-root-wrap")).InitializeAsync(3, 2, SealManager.HsmType, None);

        var wrong = Restarted(f, new FakeProtector("hsm:b/custos-root-wrap"));
        var auto = await wrong.AutoUnsealAsync(None);

        Assert.Equal(ErrorCode.Unavailable, auto.Error!.Code);
        Assert.Contains("does not open", auto.Error.Message, StringComparison.Ordinal);
        Assert.True(wrong.IsSealed);
        Assert.Contains(f.Audit.Events, e => e.Operation == "sys.auto-unseal" && e.Outcome != AuditOutcome.Allowed);
    }

    [Fact]
    public async Task Seal_type_hsm_without_an_HSM_is_refused_and_other_types_do_not_auto_unseal()
    {
        var f = new CoreFixture(unseal: false);
        var refused = await f.Seal.InitializeAsync(3, 2, SealManager.HsmType, None);
        Assert.Equal(ErrorCode.ValidationFailed, refused.Error!.Code);
        Assert.Contains("needs an HSM", refused.Error.Message, StringComparison.Ordinal);

        await f.Seal.InitializeAsync(3, 2, SealManager.ShamirType, None);
        var status = await Restarted(f, new FakeProtector("hsm:x/custos-root-wrap")).AutoUnsealAsync(None);
        Assert.True(status.Value.Sealed);
    }
}
