using System.Net;
using Custos.Core.Access;

namespace Custos.Core.Tests.Access;

public sealed class NetworkAllowlistTests
{
    [Fact]
    public void Networks_are_kept_in_canonical_form_and_single_addresses_become_host_networks()
    {
        var n = NetworkAllowlist.Normalize(["10.20.0.0/16", " 192.0.2.7 ", "2001:db8::/32", "10.20.0.0/16"]);
        Assert.Equal(["10.20.0.0/16", "192.0.2.7/32", "2001:db8::/32"], n.Value);
        Assert.Null(NetworkAllowlist.Normalize(null).Value);
        Assert.Null(NetworkAllowlist.Normalize([]).Value);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]   // host bits set: almost always a typo
    [InlineData("example.org")]
    [InlineData("")]
    public void Anything_but_an_address_or_a_network_is_refused_with_its_text(string bad)
    {
        var n = NetworkAllowlist.Normalize([bad]);
        Assert.False(n.IsSuccess);
        Assert.Contains($"'{bad}'", n.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_inside_are_allowed_outside_and_unknown_are_not()
    {
        IReadOnlyList<string> list = ["10.20.0.0/16", "2001:db8::/32"];
        Assert.True(NetworkAllowlist.Allows(list, IPAddress.Parse("10.20.3.4")));
        Assert.True(NetworkAllowlist.Allows(list, IPAddress.Parse("::ffff:10.20.3.4"))); // IPv4 seen by a dual-stack socket
        Assert.True(NetworkAllowlist.Allows(list, IPAddress.Parse("2001:db8::1")));
        Assert.False(NetworkAllowlist.Allows(list, IPAddress.Parse("10.21.0.1")));
        Assert.False(NetworkAllowlist.Allows(list, IPAddress.Parse("2001:db9::1")));
        Assert.False(NetworkAllowlist.Allows(list, null));
        Assert.True(NetworkAllowlist.Allows(null, null)); // no allowlist: anywhere
    }

    [Fact]
    public async Task Token_service_refuses_a_token_used_from_outside_its_networks()
    {
        var f = new Fakes.CoreFixture();
        var (token, secret) = (await f.Tokens.CreateAsync(new TokenSpec("office", [Roles.KeyUser], null, AllowedNetworks: ["10.20.0.0/16"]), null, CancellationToken.None)).Value;
        Assert.Equal(["10.20.0.0/16"], token.AllowedNetworks);

        Assert.True((await f.Tokens.AuthenticateAsync(secret, IPAddress.Parse("10.20.0.9"), CancellationToken.None)).IsSuccess);
        var outside = await f.Tokens.AuthenticateAsync(secret, IPAddress.Parse("198.51.100.1"), CancellationToken.None);
        Assert.Equal(Errors.ErrorCode.Unauthenticated, outside.Error!.Code);
        Assert.Contains("network", outside.Error.Message, StringComparison.Ordinal);
    }
}
