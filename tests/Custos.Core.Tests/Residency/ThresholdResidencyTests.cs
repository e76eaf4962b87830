using Custos.Core.Access.Policy;
using Custos.Core.Keys;
using Custos.Core.Residency;
using Custos.Core.Threshold;

namespace Custos.Core.Tests.Residency;

/// <summary>The residency rules for threshold shares: each custodian complies, no foreign jurisdiction reaches k, k custodians span enough countries.</summary>
public sealed class ThresholdResidencyTests
{
    private static readonly Provider UsCloud = new() { Id = "us-cloud", LegalName = "US Cloud Inc", HeadquartersCountry = "US" };
    private static readonly Dictionary<string, Provider> Register = new() { [UsCloud.Id] = UsCloud };

    private static KeyFacts Key(params string[] allowed) =>
        new("key_01", null, Classification.Restricted, [], new Dictionary<string, string>()) { AllowedJurisdictions = allowed };

    private static CustodianInfo C(string name, string country, string op = "self", params string[] compellableBy) =>
        new(name, new Location { Country = country, Operator = op, CompellableBy = compellableBy });

    private static IReadOnlyList<ResidencyViolation> Check(KeyFacts key, int k, int min, params CustodianInfo[] custodians) =>
        ThresholdResidency.Check(ResidencyEvaluator.RequirementsFor(key, new PolicyDocument()), k, min, custodians, Register);

    [Fact]
    public void Custodians_in_allowed_countries_in_enough_jurisdictions_comply()
    {
        Assert.Empty(Check(Key("EU"), 2, 2, C("a", "DE"), C("b", "FR"), C("c", "AT")));
    }

    [Fact]
    public void A_custodian_outside_the_allowed_jurisdictions_is_named_with_its_country()
    {
        var v = Assert.Single(Check(Key("EU"), 2, 1, C("a", "DE"), C("b", "CH"), C("c", "AT")));

        Assert.Equal("custodian 'b'", v.Placement);
        Assert.Equal("key key_01 (restricted): the key's allowedJurisdictions allows EU, but custodian 'b' is in CH", v.Message);
    }

    [Fact]
    public void A_foreign_headquarters_reaching_k_custodians_is_refused_and_below_k_is_not()
    {
        var v = Assert.Single(Check(Key("EU"), 2, 1, C("a", "DE", "us-cloud"), C("b", "FR", "us-cloud"), C("c", "AT")));
        Assert.Contains("the law of US, outside the jurisdictions the key allows (EU), can compel 2 of its custodians, enough for the threshold of 2: "
            + "'a' (headquarters of provider 'us-cloud'), 'b' (headquarters of provider 'us-cloud')", v.Message, StringComparison.Ordinal);

        Assert.Empty(Check(Key("EU"), 3, 1, C("a", "DE", "us-cloud"), C("b", "FR", "us-cloud"), C("c", "AT")));
    }

    [Fact]
    public void Without_restricted_jurisdictions_no_jurisdiction_is_foreign()
    {
        Assert.Empty(Check(Key(), 2, 1, C("a", "DE", "us-cloud"), C("b", "FR", "us-cloud"), C("c", "AT")));
    }

    [Fact]
    public void A_residency_rule_restricting_legal_exposure_counts_as_the_allowed_set()
    {
        var policy = new PolicyDocument { Residency = [new ResidencyRule { Id = "eu-law", AllowedLegalExposure = ["EU"] }] };
        var requirements = ResidencyEvaluator.RequirementsFor(Key(), policy);

        var violations = ThresholdResidency.Check(requirements, 2, 1, [C("a", "DE", "us-cloud"), C("b", "FR", "us-cloud"), C("c", "AT", "us-cloud")], Register);

        Assert.Contains(violations, v => v.Message.Contains("can compel 3 of its custodians", StringComparison.Ordinal));
    }

    [Fact]
    public void The_k_custodians_spanning_fewest_countries_are_named_when_they_fall_short_of_min_jurisdictions()
    {
        var v = Assert.Single(Check(Key(), 3, 2, C("a", "DE"), C("b", "DE"), C("c", "DE"), C("d", "FR")));

        Assert.Equal("key key_01 (restricted): any 3 of its custodians must span at least 2 jurisdictions (minJurisdictions), but 'a' (DE), 'b' (DE), 'c' (DE) span only DE", v.Message);
        Assert.Empty(Check(Key(), 2, 2, C("a", "DE"), C("b", "FR"), C("c", "AT")));
        Assert.NotEmpty(Check(Key(), 3, 3, C("a", "DE"), C("b", "DE"), C("c", "FR"), C("d", "AT")));
        Assert.Empty(Check(Key(), 3, 3, C("a", "DE"), C("b", "NL"), C("c", "FR"), C("d", "AT")));
    }
}
