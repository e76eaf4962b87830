using System.Text;
using Custos.Core.Access.Policy;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Access;

/// <summary>The dataKeyCaching section: built-in defaults, rules adding up, forbid, and validation with clear errors.</summary>
public sealed class DataKeyLeasesTests
{
    private static KeyFacts Key(string alias, Classification c = Classification.Confidential) =>
        new("0193b2c4-0000-7000-8000-000000000001", alias, c, [], new Dictionary<string, string>());

    private static PolicyDocument Policy(string caching) =>
        PolicyDocument.Parse(Encoding.UTF8.GetBytes($$"""{"rules":[],"dataKeyCaching":{{caching}}}""")) is { IsSuccess: true } p ? p.Value
            : throw new InvalidOperationException("policy did not parse");

    [Fact]
    public void Without_the_section_the_built_in_limits_apply_and_secret_keys_are_not_cached()
    {
        var document = new PolicyDocument();
        Assert.Equal(new DataKeyLease(true, 300, 100_000, 1L << 32), DataKeyLeases.LeaseFor(document, Key("app")));
        Assert.Equal(DataKeyLease.Forbidden, DataKeyLeases.LeaseFor(document, Key("vault", Classification.Secret)));
    }

    [Fact]
    public void Every_selecting_rule_tightens_and_forbid_wins()
    {
        var document = Policy("""
            {"default":{"maxAgeSeconds":600,"maxMessages":1000},
             "rules":[
               {"id":"short","keys":{"aliases":["pay-*"]},"maxAgeSeconds":60},
               {"id":"few","keys":{"aliases":["pay-eu"]},"maxMessages":10,"maxBytes":4096},
               {"id":"never","keys":{"classifications":["restricted"]},"forbid":true}]}
            """);
        Assert.Equal(new DataKeyLease(true, 600, 1000, 1L << 32), DataKeyLeases.LeaseFor(document, Key("app")));
        Assert.Equal(new DataKeyLease(true, 60, 1000, 1L << 32), DataKeyLeases.LeaseFor(document, Key("pay-us")));
        Assert.Equal(new DataKeyLease(true, 60, 10, 4096), DataKeyLeases.LeaseFor(document, Key("pay-eu")));
        Assert.Equal(DataKeyLease.Forbidden, DataKeyLeases.LeaseFor(document, Key("pay-eu", Classification.Restricted)));
        // A section without rules has no built-in secret rule: the document says everything.
        Assert.True(DataKeyLeases.LeaseFor(Policy("""{"default":{"maxAgeSeconds":5}}"""), Key("x", Classification.Secret)).Allowed);
    }

    [Theory]
    [InlineData("""{"default":{"maxAgeSeconds":0}}""", "'maxAgeSeconds' is 1 to 86400")]
    [InlineData("""{"default":{"maxMessages":-1}}""", "'maxMessages' is 1 to")]
    [InlineData("""{"rules":[{"id":"Bad Id","forbid":true}]}""", "'id' is 1-64 characters")]
    [InlineData("""{"rules":[{"id":"a","forbid":true},{"id":"a","forbid":true}]}""", "same id")]
    [InlineData("""{"rules":[{"id":"a"}]}""", "say what it does")]
    [InlineData("""{"rules":[{"id":"a","forbid":true,"maxAgeSeconds":5}]}""", "not both")]
    [InlineData("""{"rules":[{"id":"a","maxBytes":0}]}""", "'maxBytes' is 1 to")]
    [InlineData("""{"rules":[{"id":"a","forbid":true,"keys":{"classifications":["top"]}}]}""", "dataKeyCaching rule 'a'")]
    [InlineData("""{"rules":[{"id":"a","forbid":true,"colour":"red"}]}""", "not valid")]
    public void Invalid_sections_are_refused_with_where_and_why(string caching, string expected)
    {
        var parsed = PolicyDocument.Parse(Encoding.UTF8.GetBytes($$"""{"rules":[],"dataKeyCaching":{{caching}}}"""));
        Assert.False(parsed.IsSuccess);
        Assert.Contains(expected, parsed.Error!.Message, StringComparison.Ordinal);
    }
}
