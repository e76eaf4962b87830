using System.Net;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Access;

/// <summary>How a policy decides: default deny, deny wins, the strictest allow, key selectors, conditions, reasons.</summary>
public sealed class PolicyEvaluatorTests
{
    private static readonly DateTimeOffset Monday10Berlin = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero); // 10:00 CET

    private static Principal User(string id = "token:tok_app", params string[] groups) =>
        new(id, "app", new HashSet<string> { Roles.KeyUser }) { Groups = new HashSet<string>(groups) };

    private static KeyFacts Key(string alias = "payments-eu", Classification c = Classification.Restricted, string? team = "payments", params string[] categories) =>
        new("0193b2c4-0000-7000-8000-000000000001", alias, c, categories, team is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["team"] = team });

    private static PolicyDocument Policy(string json)
    {
        var parsed = PolicyDocument.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        return parsed.Value;
    }

    private static PolicyDecision Decide(PolicyDocument p, Principal who, Operation op, KeyFacts? key, string? justification = null, string? from = "10.20.1.2", DateTimeOffset? at = null) =>
        PolicyEvaluator.Evaluate(p, 7, new AccessRequest(who, op, key, justification, from is null ? null : IPAddress.Parse(from), at ?? Monday10Berlin));

    [Fact]
    public void Nothing_is_allowed_without_a_rule()
    {
        var d = Decide(Policy("""{"rules":[]}"""), User(), Operation.Decrypt, Key());
        Assert.Equal(DecisionKind.Deny, d.Kind);
        Assert.Equal(PolicyDecision.DefaultDeny, d.RuleId);
        Assert.Equal("no rule allows 'app' (token:tok_app) to decrypt with key 0193b2c4-0000-7000-8000-000000000001 (policy version 7)", d.Reason);
    }

    [Fact]
    public void A_deny_rule_beats_any_allow_rule_whatever_their_order()
    {
        var p = Policy("""
            {"rules":[
              {"id":"all","roles":["key-user"],"operations":["*"]},
              {"id":"no-secret","effect":"deny","principals":["*"],"operations":["decrypt"],"keys":{"classifications":["secret"]}}]}
            """);
        Assert.Equal("no-secret", Decide(p, User(), Operation.Decrypt, Key(c: Classification.Secret)).RuleId);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(c: Classification.Restricted)).Kind);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Encrypt, Key(c: Classification.Secret)).Kind);
    }

    [Fact]
    public void The_strictest_matching_allow_decides_so_a_quorum_rule_cannot_be_bypassed_by_a_broad_one()
    {
        var p = Policy("""
            {"rules":[
              {"id":"broad","roles":["key-user"],"operations":["data"]},
              {"id":"quorum-secret","roles":["key-user"],"operations":["decrypt"],"keys":{"classifications":["secret"]},"approvals":{"count":2,"group":"approvers"}},
              {"id":"one-approval","principals":["*"],"operations":["decrypt"],"keys":{"classifications":["secret"]},"approvals":{"count":1}}]}
            """);
        var d = Decide(p, User(), Operation.Decrypt, Key(c: Classification.Secret));
        Assert.Equal(DecisionKind.ApprovalRequired, d.Kind);
        Assert.Equal("quorum-secret", d.RuleId);
        Assert.Equal(2, d.Approvals!.Count);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(c: Classification.Confidential)).Kind);
    }

    [Theory]
    [InlineData("""{"aliases":["payments-*"]}""", "payments-eu", true)]
    [InlineData("""{"aliases":["alias/payments-*"]}""", "payments-eu", true)]
    [InlineData("""{"aliases":["payments-*"]}""", "hr-payments", false)]
    [InlineData("""{"aliases":["payments-eu"]}""", "payments-eu2", false)]
    [InlineData("""{"tags":{"team":"payments"}}""", "x", true)]
    [InlineData("""{"tags":{"team":"hr"}}""", "x", false)]
    [InlineData("""{"tags":{"team":"*"}}""", "x", true)]
    [InlineData("""{"tags":{"cost-centre":"*"}}""", "x", false)]
    [InlineData("""{"classifications":["restricted","secret"]}""", "x", true)]
    [InlineData("""{"classifications":["public"]}""", "x", false)]
    [InlineData("""{"dataCategories":["pii","payments"]}""", "x", true)]
    [InlineData("""{"dataCategories":["health"]}""", "x", false)]
    [InlineData("""{"ids":["0193b2c4-0000-7000-8000-000000000001"]}""", "x", true)]
    [InlineData("""{"ids":["0193b2c4-0000-7000-8000-000000000002"]}""", "x", false)]
    [InlineData("""{"aliases":["payments-*"],"classifications":["public"]}""", "payments-eu", false)]
    public void Key_selectors_match_by_alias_tag_classification_category_and_id(string selector, string alias, bool expected)
    {
        var p = Policy($$"""{"rules":[{"id":"r","roles":["key-user"],"operations":["decrypt"],"keys":{{selector}}}]}""");
        var key = Key(alias: alias, categories: ["pii"]);
        Assert.Equal(expected ? DecisionKind.Allow : DecisionKind.Deny, Decide(p, User(), Operation.Decrypt, key).Kind);
    }

    [Fact]
    public void Rules_about_keys_do_not_match_operations_that_touch_no_key()
    {
        var p = Policy("""{"rules":[{"id":"r","roles":["key-user"],"operations":["*"],"keys":{"aliases":["*"]}}]}""");
        Assert.Equal(DecisionKind.Deny, Decide(p, User(), Operation.Administer, null).Kind);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.ReadKey, Key()).Kind);
    }

    [Fact]
    public void Principals_match_by_id_role_or_group()
    {
        var p = Policy("""
            {"rules":[
              {"id":"by-id","principals":["cert:alice"],"operations":["encrypt"]},
              {"id":"by-group","groups":["payments"],"operations":["decrypt"]}]}
            """);
        Assert.Equal("by-id", Decide(p, User("cert:alice"), Operation.Encrypt, Key()).RuleId);
        Assert.Equal(DecisionKind.Deny, Decide(p, User("cert:bob"), Operation.Encrypt, Key()).Kind);
        Assert.Equal("by-group", Decide(p, User("cert:bob", "payments"), Operation.Decrypt, Key()).RuleId);
        var miss = PolicyEvaluator.Evaluate(p, 7, new AccessRequest(User("cert:bob"), Operation.Decrypt, Key(), null, null, Monday10Berlin), explain: true);
        Assert.Contains(miss.Trace, t => t.RuleId == "by-group" && !t.Applies && t.Why == "it is for group payments");
    }

    [Fact]
    public void Justification_conditions_require_and_forbid_codes_and_say_which()
    {
        var p = Policy("""
            {"rules":[{"id":"batch","roles":["key-user"],"operations":["decrypt"],
              "conditions":{"justifications":{"require":["*"],"forbid":["other"]}}}]}
            """);
        Assert.Contains("it requires a justification (any code)", Decide(p, User(), Operation.Decrypt, Key()).Reason);
        Assert.Contains("it forbids justification 'other'", Decide(p, User(), Operation.Decrypt, Key(), "other").Reason);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(), "emergency").Kind);
    }

    [Fact]
    public void Network_conditions_hold_only_inside_the_networks_and_an_unknown_address_is_outside()
    {
        var p = Policy("""{"rules":[{"id":"office","roles":["key-user"],"operations":["decrypt"],"conditions":{"networks":["10.20.0.0/16","2001:db8::/32"]}}]}""");
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(), from: "10.20.255.1").Kind);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(), from: "::ffff:10.20.0.9").Kind);
        Assert.Equal(DecisionKind.Allow, Decide(p, User(), Operation.Decrypt, Key(), from: "2001:db8::5").Kind);
        Assert.Contains("outside 10.20.0.0/16", Decide(p, User(), Operation.Decrypt, Key(), from: "10.21.0.1").Reason);
        Assert.Equal(DecisionKind.Deny, Decide(p, User(), Operation.Decrypt, Key(), from: null).Kind);
    }

    [Theory]
    [InlineData("2026-12-07T09:00:00Z", true)]   // Monday 10:00 Berlin
    [InlineData("2026-12-07T05:59:00Z", false)]  // Monday 06:59 Berlin
    [InlineData("2026-12-07T17:59:00Z", true)]   // Monday 18:59 Berlin
    [InlineData("2026-12-07T18:00:00Z", false)]  // Monday 19:00 Berlin: 'to' is exclusive
    [InlineData("2026-12-05T09:00:00Z", false)]  // Saturday
    [InlineData("2026-07-06T16:30:00Z", true)]   // Monday 18:30 CEST (summer time)
    [InlineData("2026-07-06T17:30:00Z", false)]  // Monday 19:30 CEST
    public void Time_windows_are_read_in_their_time_zone(string at, bool expected)
    {
        var p = Policy("""{"rules":[{"id":"hours","roles":["key-user"],"operations":["decrypt"],"conditions":{"time":{"days":["mon","tue","wed","thu","fri"],"from":"07:00","to":"19:00","timeZone":"Europe/Berlin"}}}]}""");
        Assert.Equal(expected ? DecisionKind.Allow : DecisionKind.Deny, Decide(p, User(), Operation.Decrypt, Key(), at: DateTimeOffset.Parse(at)).Kind);
    }

    [Theory]
    [InlineData("2026-12-04T23:30:00Z", true)]   // Friday 23:30: inside the night shift that started Friday
    [InlineData("2026-12-05T05:00:00Z", true)]   // Saturday 05:00: still Friday's night shift
    [InlineData("2026-12-05T23:30:00Z", false)]  // Saturday 23:30: a Saturday night shift is not allowed
    [InlineData("2026-12-04T12:00:00Z", false)]  // Friday noon
    public void A_window_across_midnight_belongs_to_the_day_it_starts(string at, bool expected)
    {
        var p = Policy("""{"rules":[{"id":"night","roles":["key-user"],"operations":["decrypt"],"conditions":{"time":{"days":["mon","tue","wed","thu","fri"],"from":"22:00","to":"06:00"}}}]}""");
        Assert.Equal(expected ? DecisionKind.Allow : DecisionKind.Deny, Decide(p, User(), Operation.Decrypt, Key(), at: DateTimeOffset.Parse(at)).Kind);
    }

    [Fact]
    public void The_default_policy_keeps_each_role_to_its_duty()
    {
        var p = DefaultPolicy.Document;
        Principal As(string role) => new("token:t", role, new HashSet<string> { role });
        Assert.Equal(DecisionKind.Deny, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.KeyAdmin), Operation.Decrypt, Key(), null, null, Monday10Berlin)).Kind);
        Assert.Equal(DecisionKind.Allow, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.KeyAdmin), Operation.DestroyKey, Key(), null, null, Monday10Berlin)).Kind);
        Assert.Equal(DecisionKind.Deny, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.KeyUser), Operation.RotateKey, Key(), null, null, Monday10Berlin)).Kind);
        Assert.Equal(DecisionKind.Deny, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.SecurityOfficer), Operation.Decrypt, Key(), null, null, Monday10Berlin)).Kind);
        Assert.Equal(DecisionKind.Deny, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.Approver), Operation.Administer, null, null, null, Monday10Berlin)).Kind);
        Assert.Equal(DecisionKind.Allow, PolicyEvaluator.Evaluate(p, 0, new AccessRequest(As(Roles.Auditor), Operation.ReadAudit, null, null, null, Monday10Berlin)).Kind);
        Assert.Null(PolicyValidator.Validate(p));
    }

    [Fact]
    public void A_stored_policy_round_trips_through_canonical_json()
    {
        var p = Policy("""{"rules":[{"id":"r","roles":["key-user"],"operations":["data"],"keys":{"tags":{"team":"x"}},"conditions":{"rate":{"requests":5,"perSeconds":10}},"approvals":{"count":2}}]}""");
        var again = PolicyDocument.Parse(p.ToCanonicalJson());
        Assert.True(again.IsSuccess);
        Assert.Equal(p.ToCanonicalJson(), again.Value.ToCanonicalJson());
    }

    [Theory]
    [InlineData("""[{"id":"eu","allowedJurisdictions":["EU"],"allowedLegalExposure":["EU","CH"],"provider":{"dpa":true,"fips140Level":3}}]""", null)]
    [InlineData("""[{"id":"eu","allowedJurisdictions":["Europe"]}]""", "residency rule 'eu': 'allowedJurisdictions': 'Europe' is not an ISO 3166-1 alpha-2 code")]
    [InlineData("""[{"id":"eu","allowedJurisdictions":[]}]""", "an empty list would allow nothing")]
    [InlineData("""[{"id":"eu"}]""", "say what it requires")]
    [InlineData("""[{"id":"eu","provider":{"fips140Level":5}}]""", "'provider.fips140Level' is 1 to 4")]
    [InlineData("""[{"id":"eu","allowedJurisdictions":["DE"]},{"id":"eu","allowedJurisdictions":["FR"]}]""", "another residency rule has the same id")]
    public void Residency_rules_are_checked_like_access_rules(string residency, string? problem)
    {
        var parsed = PolicyDocument.Parse(Encoding.UTF8.GetBytes($$"""{"rules":[],"residency":{{residency}}}"""));
        if (problem is null) Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        else Assert.Contains(problem, parsed.Error!.Message);
    }

    [Fact]
    public void Blocs_cover_their_member_states()
    {
        Assert.True(Jurisdictions.Covers(["EU"], "DE"));
        Assert.False(Jurisdictions.Covers(["EU"], "NO"));
        Assert.True(Jurisdictions.Covers(["EEA"], "NO"));
        Assert.True(Jurisdictions.Covers(["CH", "EU"], "CH"));
        Assert.False(Jurisdictions.Covers(["EU"], "US"));
        Assert.Equal(27, Jurisdictions.EuCountries.Count);
    }
}
