using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Ports;
using Custos.Core.Seal;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="ICeremonyRepository"/> (with the seal repository that creates init ceremonies) must
/// do. An adapter's test class supplies fresh repositories over one empty store per test.
/// </summary>
public abstract class CeremonyRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>New seal, ceremony and token repositories over one empty store, private to the calling test.</summary>
    protected abstract (ISealRepository Seal, ICeremonyRepository Ceremonies, ITokenRepository Tokens) CreateRepositories();

    private const string Id = "cer_00112233445566aa";

    private static Ceremony Pending(AccessToken root) => new(Id, Ceremony.InitKind, "custos-init-ceremony-v1\nceremony " + Id + "\n",
        SHA256.HashData(Encoding.UTF8.GetBytes("transcript")), 2, CeremonyStatus.Pending, T0, null,
        [
            new CeremonyOperator("alice", RandomNumberGenerator.GetBytes(91), RandomNumberGenerator.GetBytes(32)),
            new CeremonyOperator("bob", RandomNumberGenerator.GetBytes(91), RandomNumberGenerator.GetBytes(32)),
            new CeremonyOperator("carol", RandomNumberGenerator.GetBytes(91), RandomNumberGenerator.GetBytes(32)),
        ], root.Id, root.SecretHash);

    private static SealConfiguration Configuration() =>
        new("shamir", 3, 2, "root-2025", RandomNumberGenerator.GetBytes(60), T0, CeremonyId: Id);

    private static AccessToken Root() => TestTokens.New("root", T0.AddMinutes(5), null, Roles.Root) with { Groups = new HashSet<string>() };

    private static CeremonyConfirmation Confirm(string name, int before, bool completes, int minutes = 1) =>
        new(Id, name, Encoding.ASCII.GetBytes("signature of " + name), T0.AddMinutes(minutes), before, completes);

    private async Task<(ISealRepository, ICeremonyRepository, ITokenRepository, Ceremony, AccessToken)> InitializedAsync()
    {
        var (seal, ceremonies, tokens) = CreateRepositories();
        var root = Root();
        var ceremony = Pending(root);
        Assert.True(await seal.InitializeWithCeremonyAsync(Configuration(), ceremony, null, Ct));
        return (seal, ceremonies, tokens, ceremony, root);
    }

    [Fact]
    public async Task Init_with_a_ceremony_stores_it_pending_and_not_the_root_token()
    {
        var (seal, ceremonies, tokens, ceremony, root) = await InitializedAsync();

        Assert.Equal(Id, (await seal.GetAsync(Ct))!.CeremonyId);
        var stored = await ceremonies.GetAsync(Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal((ceremony.Kind, ceremony.Transcript, ceremony.Threshold, CeremonyStatus.Pending, root.Id),
            (stored.Kind, stored.Transcript, stored.Threshold, stored.Status, stored.RootTokenId));
        Assert.Equal(ceremony.TranscriptSha256, stored.TranscriptSha256);
        Assert.Equal(root.SecretHash, stored.RootTokenHash);
        KeyAssert.SameInstant(T0, stored.CreatedAt);
        Assert.Null(stored.CompletedAt);
        Assert.Equal(["alice", "bob", "carol"], stored.Operators.Select(o => o.Name));
        Assert.Equal(ceremony.Operators[1].PublicKey, stored.Operators[1].PublicKey);
        Assert.Equal(ceremony.Operators[2].ShareSha256, stored.Operators[2].ShareSha256);
        Assert.All(stored.Operators, o => Assert.False(o.Confirmed));
        Assert.Null(await tokens.GetAsync(root.Id, Ct));
        Assert.Null(await ceremonies.GetAsync("cer_ffffffffffffffff", Ct));
    }

    [Fact]
    public async Task A_second_initialisation_is_refused_and_writes_nothing()
    {
        var (seal, ceremonies, _, _, _) = await InitializedAsync();
        var other = Pending(Root()) with { Id = "cer_99999999999999aa" };

        Assert.False(await seal.InitializeWithCeremonyAsync(Configuration() with { CeremonyId = other.Id }, other, null, Ct));

        Assert.Null(await ceremonies.GetAsync(other.Id, Ct));
    }

    [Fact]
    public async Task A_confirmation_is_stored_once_and_only_against_the_expected_count()
    {
        var (_, ceremonies, _, _, _) = await InitializedAsync();

        Assert.False(await ceremonies.ConfirmAsync(Confirm("alice", 1, false), null, null, Ct)); // count is 0, not 1
        Assert.True(await ceremonies.ConfirmAsync(Confirm("alice", 0, false), null, null, Ct));
        Assert.False(await ceremonies.ConfirmAsync(Confirm("alice", 1, true), null, null, Ct));   // alice again
        Assert.False(await ceremonies.ConfirmAsync(Confirm("mallory", 1, true), null, null, Ct)); // no such operator
        Assert.False(await ceremonies.ConfirmAsync(Confirm("bob", 0, true), null, null, Ct));     // stale count (a race lost)

        var stored = (await ceremonies.GetAsync(Id, Ct))!;
        Assert.Equal(1, stored.Confirmations);
        Assert.Equal(CeremonyStatus.Pending, stored.Status);
        var alice = stored.Operators[0];
        Assert.Equal(Encoding.ASCII.GetBytes("signature of alice"), alice.Signature);
        KeyAssert.SameInstant(T0.AddMinutes(1), alice.ConfirmedAt);
    }

    [Fact]
    public async Task The_completing_confirmation_puts_the_root_token_in_force_and_nothing_counts_after()
    {
        var (_, ceremonies, tokens, _, root) = await InitializedAsync();
        await ceremonies.ConfirmAsync(Confirm("carol", 0, false), null, null, Ct);

        Assert.True(await ceremonies.ConfirmAsync(Confirm("alice", 1, true, minutes: 2), root, null, Ct));

        var stored = (await ceremonies.GetAsync(Id, Ct))!;
        Assert.Equal(CeremonyStatus.Complete, stored.Status);
        KeyAssert.SameInstant(T0.AddMinutes(2), stored.CompletedAt);
        Assert.Equal(2, stored.Confirmations);
        TestTokens.Equal(root, await tokens.GetAsync(root.Id, Ct));
        Assert.False(await ceremonies.ConfirmAsync(Confirm("bob", 2, false), null, null, Ct));
        Assert.False((await ceremonies.GetAsync(Id, Ct))!.Operators[1].Confirmed);
    }

    [Fact]
    public async Task Completion_and_the_root_token_are_one_transaction()
    {
        var (_, ceremonies, tokens, _, root) = await InitializedAsync();
        await ceremonies.ConfirmAsync(Confirm("carol", 0, false), null, null, Ct);
        await tokens.InsertAsync(root, Ct); // the root token cannot be stored again (its id exists)...

        await Assert.ThrowsAnyAsync<Exception>(() => ceremonies.ConfirmAsync(Confirm("alice", 1, true), root, null, Ct));

        var stored = (await ceremonies.GetAsync(Id, Ct))!; // ...so neither alice's signature nor the completion is
        Assert.Equal(CeremonyStatus.Pending, stored.Status);
        Assert.False(stored.Operators[0].Confirmed);
    }
}
