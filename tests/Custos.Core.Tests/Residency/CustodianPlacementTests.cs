using Custos.Core.Access.Policy;
using Custos.Core.Keys;
using Custos.Core.Residency;
using Custos.Core.Threshold;

namespace Custos.Core.Tests.Residency;

/// <summary>
/// The custodians configured on a node are places of its location map: their operators must be in the register like
/// the node's, and a threshold key is judged on the custodians holding each version's shares (those configured here).
/// </summary>
public sealed class CustodianPlacementTests
{
    private static readonly Location Berlin = new() { Country = "DE", Operator = "self" };
    private static readonly Dictionary<string, Provider> Register = new()
    {
        ["self"] = new Provider { Id = "self", LegalName = "Self GmbH", HeadquartersCountry = "DE" },
        ["op-a"] = new Provider { Id = "op-a", LegalName = "Trustee A", HeadquartersCountry = "DE" },
    };

    private static CustodianInfo C(string name, string country, string op) => new(name, new Location { Country = country, Operator = op });

    private static LocationMap Map(params CustodianInfo[] custodians) =>
        new("n1", Berlin, new Dictionary<string, Location?>(), ["software"], custodians);

    private static KeyFacts Key(IReadOnlyList<ThresholdHolders> shares, params string[] allowed) =>
        new("key_01", null, Classification.Restricted, [], new Dictionary<string, string>())
        {
            AllowedJurisdictions = allowed, Keystores = ["threshold"], Shares = shares,
        };

    private static IReadOnlyList<ResidencyViolation> Check(LocationMap map, KeyFacts key) =>
        ResidencyEvaluator.CheckKey(ResidencyEvaluator.RequirementsFor(key, new PolicyDocument()), map, Register);

    [Fact]
    public void Custodians_are_declared_locations_and_an_operator_missing_from_the_register_is_named()
    {
        var map = Map(C("b", "FR", "op-b"), C("a", "DE", "op-a"));

        Assert.Equal(["node 'n1'", "custodian 'a'", "custodian 'b'"], map.Declared().Select(d => d.Owner));
        var compliance = new ResidencyCompliance(null!, null!, null!, map);
        Assert.Equal(["the location of custodian 'b' names operator 'op-b', which is not in the legal register"], compliance.UnknownOperators(Register));
    }

    [Fact]
    public void Only_custodians_configured_here_are_judged_in_the_order_asked()
    {
        var map = Map(C("a", "DE", "op-a"), C("b", "FR", "op-a"));

        Assert.Equal(["b", "a"], map.Custodians(["b", "gone", "a"]).Select(c => c.Name));
    }

    [Fact]
    public void A_threshold_key_is_judged_on_its_custodians_each_violation_once_however_many_versions_share_them()
    {
        var map = Map(C("a", "DE", "op-a"), C("b", "FR", "op-a"), C("c", "CH", "op-a"));
        var abc = new ThresholdHolders(2, 1, ["a", "b", "c"]);

        var violations = Check(map, Key([abc, new ThresholdHolders(2, 1, ["a", "b", "c"])], "EU"));

        var v = Assert.Single(violations);
        Assert.Equal("key key_01 (restricted): the key's allowedJurisdictions allows EU, but custodian 'c' is in CH", v.Message);
        Assert.Empty(Check(map, Key([new ThresholdHolders(2, 1, ["a", "b"])], "EU")));
        Assert.Empty(Check(map, Key([abc]))); // no jurisdictions of its own: CH is fine ...
        var sameCountry = Assert.Single(Check(Map(C("a", "DE", "op-a"), C("b", "DE", "op-a")), Key([new ThresholdHolders(2, 2, ["a", "b"])])));
        Assert.Contains("any 2 of its custodians must span at least 2 jurisdictions", sameCountry.Message, StringComparison.Ordinal); // ... minJurisdictions holds anyway
    }

    [Fact]
    public void A_custodian_no_longer_configured_here_is_not_judged()
    {
        var map = Map(C("a", "DE", "op-a"), C("b", "FR", "op-a"));

        Assert.Empty(Check(map, Key([new ThresholdHolders(2, 1, ["a", "b", "c"])], "EU")));
    }
}
