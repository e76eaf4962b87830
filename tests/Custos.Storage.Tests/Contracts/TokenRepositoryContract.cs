using System.Security.Cryptography;
using Custos.Core.Access;
using Custos.Core.Ports;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="ITokenRepository"/> must do. An adapter's test class derives from this and
/// supplies a fresh, empty repository per test.
/// </summary>
public abstract class TokenRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new repository over an empty store, private to the calling test.</summary>
    protected abstract ITokenRepository CreateRepository();

    [Fact]
    public async Task Insert_then_get_and_find_by_hash_round_trip_every_field()
    {
        var repository = CreateRepository();
        var token = TestTokens.New("ci-deployer ✓", T0.Add(Microsecond * 3), T0.AddDays(90).Add(Microsecond * 7),
            Roles.KeyAdmin, Roles.KeyUser, Roles.Reader) with { AllowedNetworks = ["10.20.0.0/16", "2001:db8::/32"], ApprovalKey = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70] };

        await repository.InsertAsync(token, Ct);

        TestTokens.Equal(token, await repository.GetAsync(token.Id, Ct));
        TestTokens.Equal(token, await repository.FindByHashAsync(token.SecretHash.ToArray(), Ct));
        Assert.True((await repository.GetAsync(token.Id, Ct))!.IsActive(T0.AddDays(1)));
    }

    [Fact]
    public async Task Unknown_id_and_hash_give_null()
    {
        var repository = CreateRepository();
        await repository.InsertAsync(TestTokens.New(), Ct);

        Assert.Null(await repository.GetAsync(Guid.CreateVersion7().ToString(), Ct));
        Assert.Null(await repository.FindByHashAsync(SHA256.HashData([1, 2, 3]), Ct));
    }

    [Fact]
    public async Task Listing_gives_every_token_newest_first()
    {
        var repository = CreateRepository();
        var old = TestTokens.New("old", T0);
        var newest = TestTokens.New("newest", T0.AddDays(2));
        var middle = TestTokens.New("middle", T0.AddDays(1).Add(Microsecond));
        foreach (var token in new[] { old, newest, middle }) await repository.InsertAsync(token, Ct);

        var list = await repository.ListAsync(Ct);

        Assert.Equal(["newest", "middle", "old"], list.Select(t => t.Name));
        TestTokens.Equal(middle, list[1]);
    }

    [Fact]
    public async Task Revoking_marks_the_token_revoked()
    {
        var repository = CreateRepository();
        var token = TestTokens.New();
        var other = TestTokens.New("other");
        await repository.InsertAsync(token, Ct);
        await repository.InsertAsync(other, Ct);
        var at = T0.AddHours(3).Add(Microsecond * 9);

        Assert.True(await repository.RevokeAsync(token.Id, at, Ct));

        var stored = await repository.FindByHashAsync(token.SecretHash, Ct);
        TestTokens.Equal(token with { RevokedAt = at }, stored);
        Assert.False(stored!.IsActive(at));
        Assert.Null((await repository.GetAsync(other.Id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Revoking_an_unknown_token_is_false()
    {
        var repository = CreateRepository();

        Assert.False(await repository.RevokeAsync(Guid.CreateVersion7().ToString(), T0, Ct));
    }
}
