using System.Security.Cryptography;
using Custos.Core.Access;
using Custos.Core.Ports;
using Custos.Core.Seal;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="ISealRepository"/> must do. An adapter's test class derives from this and supplies
/// a fresh, empty store per test, seen through its seal and token repositories.
/// </summary>
public abstract class SealRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>New seal and token repositories over one empty store, private to the calling test.</summary>
    protected abstract (ISealRepository Seal, ITokenRepository Tokens) CreateRepositories();

    private static SealConfiguration Configuration(string rootKeyId = "root-2025") =>
        new("shamir", 5, 3, rootKeyId, RandomNumberGenerator.GetBytes(60), T0.Add(Microsecond * 21));

    private static AccessToken RootToken() => TestTokens.New("root", T0, null, Roles.Root);

    [Fact]
    public async Task An_uninitialised_store_has_no_configuration()
    {
        var (seal, _) = CreateRepositories();

        Assert.Null(await seal.GetAsync(Ct));
    }

    [Fact]
    public async Task Initialize_stores_the_configuration_and_the_root_token()
    {
        var (seal, tokens) = CreateRepositories();
        var configuration = Configuration();
        var root = RootToken();

        Assert.True(await seal.InitializeAsync(configuration, root, Ct));

        var stored = await seal.GetAsync(Ct);
        Assert.NotNull(stored);
        Assert.Equal(configuration.Type, stored.Type);
        Assert.Equal(configuration.Shares, stored.Shares);
        Assert.Equal(configuration.Threshold, stored.Threshold);
        Assert.Equal(configuration.RootKeyId, stored.RootKeyId);
        Assert.Equal(configuration.EncryptedKeyring, stored.EncryptedKeyring);
        KeyAssert.SameInstant(configuration.CreatedAt, stored.CreatedAt);
        Assert.Null(stored.WrappedRootKey);
        Assert.Null(stored.RootKeyProtector);
        TestTokens.Equal(root, await tokens.FindByHashAsync(root.SecretHash, Ct));
    }

    [Fact]
    public async Task An_HSM_seal_keeps_the_wrapped_root_key_and_where_its_wrapping_key_lives()
    {
        var (seal, _) = CreateRepositories();
        var configuration = Configuration() with
        {
            Type = "hsm",
            WrappedRootKey = RandomNumberGenerator.GetBytes(60),
            RootKeyProtector = "hsm:custos/custos-root-wrap",
        };

        Assert.True(await seal.InitializeAsync(configuration, RootToken(), Ct));

        var stored = await seal.GetAsync(Ct);
        Assert.Equal("hsm", stored!.Type);
        Assert.Equal(configuration.WrappedRootKey, stored.WrappedRootKey);
        Assert.Equal("hsm:custos/custos-root-wrap", stored.RootKeyProtector);
    }

    [Fact]
    public async Task A_second_initialisation_is_refused_and_writes_nothing()
    {
        var (seal, tokens) = CreateRepositories();
        await seal.InitializeAsync(Configuration("first"), RootToken(), Ct);
        var secondRoot = RootToken();

        Assert.False(await seal.InitializeAsync(Configuration("second"), secondRoot, Ct));

        Assert.Equal("first", (await seal.GetAsync(Ct))!.RootKeyId);
        Assert.Null(await tokens.GetAsync(secondRoot.Id, Ct));
        Assert.Single(await tokens.ListAsync(Ct));
    }

    [Fact]
    public async Task Configuration_and_root_token_are_one_transaction()
    {
        var (seal, tokens) = CreateRepositories();
        var existing = RootToken();
        await tokens.InsertAsync(existing, Ct);

        // The root token cannot be stored (its id exists), so the configuration must not be either.
        await Assert.ThrowsAnyAsync<Exception>(() => seal.InitializeAsync(Configuration(), existing with { Name = "clash" }, Ct));

        Assert.Null(await seal.GetAsync(Ct));
        Assert.True(await seal.InitializeAsync(Configuration(), RootToken(), Ct));
    }
}
