using Custos.Core.Errors;
using Custos.Core.Tests.Fakes;

namespace Custos.Core.Tests.Seal;

public sealed class SealManagerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Unseals_with_any_threshold_shares_and_seals_again()
    {
        var f = new CoreFixture(unseal: false);
        var init = (await f.Seal.InitializeAsync(5, 3, "shamir", None)).Value;
        Assert.Equal(5, init.Shares.Count);
        Assert.True(f.Seal.IsSealed);
        Assert.Equal(1, (await f.Seal.SubmitShareAsync(init.Shares[4], None)).Value.Progress);
        Assert.Equal(2, (await f.Seal.SubmitShareAsync(init.Shares[1], None)).Value.Progress);
        var done = await f.Seal.SubmitShareAsync(init.Shares[2], None);
        Assert.False(done.Value.Sealed);
        Assert.NotNull(f.Seal.Keyring);
        var sealedEvents = 0;
        f.Seal.Sealed += (_, _) => sealedEvents++;
        f.Seal.Seal();
        Assert.True(f.Seal.IsSealed);
        Assert.Equal(1, sealedEvents);
    }

    [Fact]
    public async Task The_root_token_from_init_authenticates_as_root()
    {
        var f = new CoreFixture(unseal: false);
        var init = (await f.Seal.InitializeAsync(1, 1, "dev", None)).Value;
        var principal = await f.Tokens.AuthenticateAsync(init.RootToken, None);
        Assert.Contains("root", principal.Value.Roles);
        Assert.Equal(ErrorCode.Unauthenticated, (await f.Tokens.AuthenticateAsync(init.RootToken[..^1] + "x", None)).Error!.Code);
    }

    [Fact]
    public async Task Initialising_twice_is_refused()
    {
        var f = new CoreFixture(unseal: false);
        Assert.True((await f.Seal.InitializeAsync(3, 2, "shamir", None)).IsSuccess);
        Assert.Equal(ErrorCode.AlreadyInitialized, (await f.Seal.InitializeAsync(3, 2, "shamir", None)).Error!.Code);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(2, 3)]
    [InlineData(256, 2)]
    [InlineData(0, 0)]
    public async Task Bad_share_parameters_are_refused(int shares, int threshold)
    {
        var f = new CoreFixture(unseal: false);
        Assert.Equal(ErrorCode.ValidationFailed, (await f.Seal.InitializeAsync(shares, threshold, "shamir", None)).Error!.Code);
    }

    [Fact]
    public async Task Shares_of_another_deployment_duplicates_and_garbage_are_refused()
    {
        var other = new CoreFixture(unseal: false);
        var otherShares = (await other.Seal.InitializeAsync(3, 2, "shamir", None)).Value.Shares;
        var f = new CoreFixture(unseal: false);
        var shares = (await f.Seal.InitializeAsync(3, 2, "shamir", None)).Value.Shares;

        Assert.Equal(ErrorCode.InvalidShare, (await f.Seal.SubmitShareAsync(otherShares[0], None)).Error!.Code);
        Assert.Equal(ErrorCode.InvalidShare, (await f.Seal.SubmitShareAsync("custos-share-v1:AAAA", None)).Error!.Code);
        Assert.True((await f.Seal.SubmitShareAsync(shares[0], None)).IsSuccess);
        Assert.Equal(ErrorCode.InvalidShare, (await f.Seal.SubmitShareAsync(shares[0], None)).Error!.Code);
        Assert.True(f.Seal.IsSealed);
        Assert.False((await f.Seal.SubmitShareAsync(shares[1], None)).Value.Sealed);
    }

    [Fact]
    public async Task Tokens_expire_and_can_be_revoked()
    {
        var f = new CoreFixture();
        var (token, secret) = (await f.Tokens.CreateAsync("app", ["use"], TimeSpan.FromHours(1), None)).Value;
        Assert.True((await f.Tokens.AuthenticateAsync(secret, None)).IsSuccess);
        Assert.True((await f.Tokens.RevokeAsync(token.Id, None)).IsSuccess);
        Assert.Equal(ErrorCode.Unauthenticated, (await f.Tokens.AuthenticateAsync(secret, None)).Error!.Code);

        var (_, secret2) = (await f.Tokens.CreateAsync("short", ["read"], TimeSpan.FromMinutes(5), None)).Value;
        f.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(ErrorCode.Unauthenticated, (await f.Tokens.AuthenticateAsync(secret2, None)).Error!.Code);
        Assert.Equal(ErrorCode.ValidationFailed, (await f.Tokens.CreateAsync("x", ["superuser"], null, None)).Error!.Code);
    }
}
