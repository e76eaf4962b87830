using System.Security.Cryptography;
using System.Text;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Core.Seal;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;
using Custos.Crypto.Primitives;
using Custos.Crypto.Sharing;
using Custos.Crypto.Signing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Custos.Core.Tests.Seal;

/// <summary>Initialisation held as a ceremony: encrypted shares, a signed transcript, nothing usable before K confirmations.</summary>
public sealed class InitCeremonyTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SigningKey[] _keys = [SigningKey.GenerateEcdsaP256(), SigningKey.GenerateEcdsaP256(), SigningKey.GenerateEcdsaP256()];
    private static readonly string[] Names = ["alice", "bob", "carol"];

    public void Dispose()
    {
        foreach (var k in _keys) k.Dispose();
    }

    private IReadOnlyList<OperatorKey> Operators => [.. Names.Select((n, i) => new OperatorKey(n, _keys[i].PublicKey))];

    private async Task<InitResult> InitAsync(CoreFixture f, SealManager? seal = null, string type = SealManager.ShamirType)
    {
        var r = await (seal ?? f.Seal).InitializeAsync(3, 2, type, Operators, null, None);
        Assert.True(r.IsSuccess, r.Error?.Message);
        return r.Value;
    }

    /// <summary>What operator <paramref name="i"/> does on their own machine: open their share.</summary>
    private string OpenShare(InitResult init, int i)
    {
        using var key = ShareDecryptionKey.FromPem(_keys[i].ExportPrivateKeyPem(), out _)!;
        using var share = EncryptedShare.TryParse(init.Ceremony!.Shares[i].EncryptedShare)!.Decrypt(key)!;
        return Encoding.ASCII.GetString(share.Reveal());
    }

    private Task<Result<Ceremony>> ConfirmAsync(CoreFixture f, InitResult init, int signer, string? asOperator = null) =>
        f.Ceremony.ConfirmAsync(init.Ceremony!.Id, asOperator ?? Names[signer], _keys[signer].Sign(Encoding.UTF8.GetBytes(init.Ceremony.Transcript)), null, None);

    [Fact]
    public async Task Each_operator_gets_only_their_share_encrypted_and_the_transcript_names_its_hash()
    {
        var f = new CoreFixture(unseal: false);

        var init = await InitAsync(f);

        Assert.Empty(init.Shares);
        var ceremony = init.Ceremony!;
        Assert.Equal(Names, ceremony.Shares.Select(s => s.Operator));
        var transcript = InitTranscript.Parse(ceremony.Transcript);
        Assert.NotNull(transcript);
        Assert.Equal(ceremony.Id, transcript.CeremonyId);
        Assert.Equal((3, 2, "shamir", init.RootKeyId, "test-node"), (transcript.Shares, transcript.Threshold, transcript.SealType, transcript.RootKeyId, transcript.Node));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ceremony.Transcript))), ceremony.TranscriptSha256);
        Assert.DoesNotContain("custos-share-v1", ceremony.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(init.RootToken, ceremony.Transcript, StringComparison.Ordinal);
        for (int i = 0; i < 3; i++)
        {
            var share = OpenShare(init, i);
            Assert.StartsWith(Share.TextPrefix, share, StringComparison.Ordinal);
            Assert.Equal(transcript.Operators[i], new TranscriptOperator(Names[i], _keys[i].PublicKey.Fingerprint, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(share)))));
            using var other = ShareDecryptionKey.FromPem(_keys[(i + 1) % 3].ExportPrivateKeyPem(), out _)!;
            Assert.Null(EncryptedShare.TryParse(ceremony.Shares[i].EncryptedShare)!.Decrypt(other));
        }
        var initEvent = Assert.Single(f.Audit.Events, e => e.Operation == "sys.init");
        Assert.Equal(new AuditCeremony(ceremony.Id, ceremony.TranscriptSha256), initEvent.Ceremony);
    }

    [Fact]
    public async Task While_pending_unseal_and_the_root_token_are_refused()
    {
        var f = new CoreFixture(unseal: false);
        var init = await InitAsync(f);

        var unseal = await f.Seal.SubmitShareAsync(OpenShare(init, 0), None);

        Assert.Equal(ErrorCode.CeremonyPending, unseal.Error!.Code);
        Assert.Contains("needs 2 of 3 operator confirmations", unseal.Error.Message, StringComparison.Ordinal);
        Assert.Contains("0 so far", unseal.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Unauthenticated, (await f.Tokens.AuthenticateAsync(init.RootToken, None)).Error!.Code);
        var status = await f.Seal.GetStatusAsync(None);
        Assert.Equal(init.Ceremony!.Id, status.PendingCeremony);
        Assert.Equal(0, status.Progress);

        Assert.True((await ConfirmAsync(f, init, 0)).IsSuccess);

        Assert.Contains("1 so far", (await f.Seal.SubmitShareAsync(OpenShare(init, 0), None)).Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Unauthenticated, (await f.Tokens.AuthenticateAsync(init.RootToken, None)).Error!.Code);
        Assert.True(f.Seal.IsSealed);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_and_changes_nothing()
    {
        var f = new CoreFixture(unseal: false);
        var init = await InitAsync(f);
        var id = init.Ceremony!.Id;

        var bobAsAlice = await ConfirmAsync(f, init, 1, asOperator: "alice");
        var otherText = await f.Ceremony.ConfirmAsync(id, "alice", _keys[0].Sign(Encoding.UTF8.GetBytes(init.Ceremony.Transcript + "x")), null, None);
        var garbage = await f.Ceremony.ConfirmAsync(id, "alice", new byte[64], null, None);
        var empty = await f.Ceremony.ConfirmAsync(id, "alice", [], null, None);

        Assert.All(new[] { bobAsAlice, otherText, garbage, empty }, r => Assert.Equal(ErrorCode.Forbidden, r.Error!.Code));
        var ceremony = (await f.Ceremony.GetAsync(id, None)).Value;
        Assert.Equal(0, ceremony.Confirmations);
        Assert.Equal(CeremonyStatus.Pending, ceremony.Status);
        Assert.All(f.Audit.Events.Where(e => e.Operation == "ceremony.confirm"), e => Assert.Equal(AuditOutcome.Denied, e.Outcome));
        Assert.Equal(4, f.Audit.Events.Count(e => e.Operation == "ceremony.confirm"));
    }

    [Fact]
    public async Task The_same_operator_twice_counts_once()
    {
        var f = new CoreFixture(unseal: false);
        var init = await InitAsync(f);

        Assert.Equal(1, (await ConfirmAsync(f, init, 0)).Value.Confirmations);
        var again = await ConfirmAsync(f, init, 0);

        Assert.Equal(ErrorCode.Conflict, again.Error!.Code);
        Assert.Contains("counts once", again.Error.Message, StringComparison.Ordinal);
        var ceremony = (await f.Ceremony.GetAsync(init.Ceremony!.Id, None)).Value;
        Assert.Equal(1, ceremony.Confirmations);
        Assert.Equal(CeremonyStatus.Pending, ceremony.Status);
        Assert.Equal(ErrorCode.CeremonyPending, (await f.Seal.SubmitShareAsync(OpenShare(init, 0), None)).Error!.Code);
    }

    [Fact]
    public async Task An_unknown_operator_or_ceremony_is_refused()
    {
        var f = new CoreFixture(unseal: false);
        var init = await InitAsync(f);

        var mallory = await ConfirmAsync(f, init, 0, asOperator: "mallory");
        var noSuchCeremony = await f.Ceremony.ConfirmAsync("cer_0000000000000000", "alice", [1], null, None);

        Assert.Equal(ErrorCode.ValidationFailed, mallory.Error!.Code);
        Assert.Contains("no operator 'mallory'", mallory.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.NotFound, noSuchCeremony.Error!.Code);
        Assert.Equal(ErrorCode.NotFound, (await f.Ceremony.GetAsync("../etc", None)).Error!.Code);
        Assert.Equal(0, (await f.Ceremony.GetAsync(init.Ceremony!.Id, None)).Value.Confirmations);
    }

    [Fact]
    public async Task At_K_confirmations_it_completes_with_one_audit_event_and_the_operators_shares_unseal()
    {
        var f = new CoreFixture(unseal: false);
        var init = await InitAsync(f);
        var id = init.Ceremony!.Id;

        await ConfirmAsync(f, init, 2);
        var done = await ConfirmAsync(f, init, 0);

        Assert.Equal(CeremonyStatus.Complete, done.Value.Status);
        Assert.Equal(f.Time.GetUtcNow(), done.Value.CompletedAt);
        Assert.All(done.Value.Operators.Where(o => o.Name != "bob"), o => Assert.True(_keys[Array.IndexOf(Names, o.Name)].PublicKey.Verify(Encoding.UTF8.GetBytes(done.Value.Transcript), o.Signature!)));
        Assert.False(done.Value.Operators.Single(o => o.Name == "bob").Confirmed);
        var ceremonyEvent = Assert.Single(f.Audit.Events, e => e.Operation == "ceremony.init");
        Assert.Equal(["carol", "alice"], ceremonyEvent.Ceremony!.Participants);
        Assert.Equal(init.Ceremony.TranscriptSha256, ceremonyEvent.Ceremony.TranscriptSha256);
        Assert.Equal("operator:alice", ceremonyEvent.Principal);
        Assert.Equal(AuditOutcome.Allowed, ceremonyEvent.Outcome);
        Assert.Null((await f.Seal.GetStatusAsync(None)).PendingCeremony);
        Assert.Equal(ErrorCode.Conflict, (await ConfirmAsync(f, init, 1)).Error!.Code); // complete: bob's late confirmation changes nothing

        Assert.True((await f.Seal.SubmitShareAsync(OpenShare(init, 0), None)).Value.Sealed);
        Assert.False((await f.Seal.SubmitShareAsync(OpenShare(init, 2), None)).Value.Sealed);
        Assert.Contains("root", (await f.Tokens.AuthenticateAsync(init.RootToken, None)).Value.Roles);
    }

    [Fact]
    public async Task Operators_must_be_one_per_share_with_distinct_P256_keys_and_valid_names()
    {
        var f = new CoreFixture(unseal: false);
        using var ed = SigningKey.Ed25519FromSeed(new byte[32]);
        var ops = Operators;

        async Task<CustosError> Refused(IReadOnlyList<OperatorKey> operators) => (await f.Seal.InitializeAsync(3, 2, SealManager.ShamirType, operators, null, None)).Error!;

        Assert.Contains("exactly one operator per share", (await Refused(ops.Take(2).ToList())).Message, StringComparison.Ordinal);
        Assert.Contains("Ed25519", (await Refused([ops[0], ops[1], new OperatorKey("carol", ed.PublicKey)])).Message, StringComparison.Ordinal);
        Assert.Contains("same key", (await Refused([ops[0], ops[1], new OperatorKey("carol", _keys[0].PublicKey)])).Message, StringComparison.Ordinal);
        Assert.Contains("named twice", (await Refused([ops[0], ops[1], ops[1] with { Name = "Bob" }])).Message, StringComparison.Ordinal);
        Assert.Contains("not valid", (await Refused([ops[0], ops[1], ops[2] with { Name = "carol\n" }])).Message, StringComparison.Ordinal);
        Assert.Contains("dev mode", (await f.Seal.InitializeAsync(1, 1, SealManager.DevType, [ops[0]], null, None)).Error!.Message, StringComparison.Ordinal);
        Assert.Null(await f.Store.GetAsync(None));
    }

    /// <summary>An in-memory wrapping key standing in for the HSM's.</summary>
    private sealed class FakeProtector : IRootKeyProtector
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
        public string Name => "hsm:test/custos-root-wrap";
        public byte[] Protect(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad) => Aead.Seal(_key, secret, aad);
        public SecretBytes? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad) => Aead.Open(_key, blob, aad);
    }

    [Fact]
    public async Task With_an_HSM_seal_Custos_unseals_itself_only_when_the_ceremony_completes()
    {
        var f = new CoreFixture(unseal: false);
        var node = new NodeIdentity("test-node");
        var seal = new SealManager(f.Store, f.Tokens, f.Audit, node, f.Time, NullLogger<SealManager>.Instance, new FakeProtector(), f.Store);
        using var ceremony = new InitCeremony(f.Store, seal, f.Audit, node, f.Time, NullLogger<InitCeremony>.Instance);
        var init = await InitAsync(f, seal, SealManager.HsmType);

        Assert.True(seal.IsSealed);
        Assert.True((await seal.AutoUnsealAsync(None)).Value.Sealed);
        Assert.True(seal.IsSealed);

        var text = Encoding.UTF8.GetBytes(init.Ceremony!.Transcript);
        await ceremony.ConfirmAsync(init.Ceremony.Id, "bob", _keys[1].Sign(text), null, None);
        Assert.True(seal.IsSealed);
        await ceremony.ConfirmAsync(init.Ceremony.Id, "carol", _keys[2].Sign(text), null, None);

        Assert.False(seal.IsSealed);
    }
}
