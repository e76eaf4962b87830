using System.Text.Json;
using Custos.Core.Residency;
using Custos.Custodian;
using Custos.Threshold.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Cli.Tests.Threshold;

/// <summary>The custodian's own policy, decided from its configuration alone (never from what a request claims).</summary>
public sealed class CustodianPolicyTests
{
    private static TrustedServerOptions Server(string country, params string[] compellableBy) =>
        new() { Name = "custos-1", Subject = "CN=custos-1", Location = new Location { Country = country, Operator = "op", CompellableBy = compellableBy } };

    private static CustodianPolicy Policy(CustodianPolicyOptions policy, TrustedServerOptions server) =>
        new(new CustodianOptions { Name = "c", Servers = [server], Policy = policy }, new FakeTimeProvider(DateTimeOffset.UtcNow));

    private static PartialRequest Request(string? justification = null) => new("key-1", 1, new string('0', 64), [2], null, "token:tok_x", justification, null);

    [Theory]
    [InlineData("DE", new string[0], true)]
    [InlineData("DE", new[] { "EU" }, true)]
    [InlineData("US", new string[0], false)]
    [InlineData("DE", new[] { "US" }, false)] // in the EU, but a US law can compel its operator
    [InlineData("CH", new string[0], false)]
    public void A_server_is_accepted_only_when_its_country_and_everyone_who_can_compel_it_are_within_the_accepted_jurisdictions(string country, string[] compellableBy, bool accepted)
    {
        var server = Server(country, compellableBy);
        var refusal = Policy(new CustodianPolicyOptions { AcceptServerJurisdictions = ["EU"] }, server).Check(server, Request());
        Assert.Equal(accepted, refusal is null);
        if (!accepted) Assert.Equal("server-jurisdiction", refusal!.Code);
    }

    [Fact]
    public void A_justification_list_accepts_only_its_codes_and_an_unpublished_code_is_refused()
    {
        var server = Server("DE");
        var policy = Policy(new CustodianPolicyOptions { RequireJustification = JsonDocument.Parse("""["incident-response"]""").RootElement }, server);
        Assert.Null(policy.Check(server, Request("incident-response; INC-7")));
        Assert.Equal("justification-required", policy.Check(server, Request("scheduled-job"))!.Code);
        Assert.Equal("justification-required", policy.Check(server, Request())!.Code);
        Assert.Equal("justification-invalid", policy.Check(server, Request("because"))!.Code);
    }

    [Fact]
    public void A_rate_limit_refuses_past_the_burst()
    {
        var server = Server("DE");
        var policy = Policy(new CustodianPolicyOptions { RateLimit = new RateLimitOptions { PerSecond = 1, Burst = 2 } }, server);
        Assert.Null(policy.Check(server, Request()));
        Assert.Null(policy.Check(server, Request()));
        Assert.Equal("throttled", policy.Check(server, Request())!.Code);
    }
}
