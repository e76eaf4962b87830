using System.Text;
using Custos.Core.Access.Policy;
using Custos.Core.Residency.Assessment;

namespace Custos.Core.Tests.Residency.Assessment;

public sealed class CustodyAssessorTests
{
    /// <summary>The five categories of samples/assess/categories.yaml, as JSON.</summary>
    internal const string Sample = """
        {
          "organisation": "Example Payments & Health SE",
          "categories": [
            { "name": "payment-cards", "sensitivity": "restricted", "regimes": ["pci-dss", "gdpr", "dora"], "availability": "high", "developerFacing": false, "jurisdictions": ["EU"] },
            { "name": "health-records", "sensitivity": "restricted", "regimes": ["gdpr-special", "health"], "availability": "high", "jurisdictions": ["DE"] },
            { "name": "app-telemetry", "sensitivity": "confidential", "regimes": ["gdpr", "nis2"], "availability": "high", "developerFacing": true, "jurisdictions": ["EU"] },
            { "name": "trade-secrets", "sensitivity": "secret", "regimes": ["trade-secrets"], "availability": "critical", "jurisdictions": ["EU"], "legalIsolation": true },
            { "name": "marketing-content", "sensitivity": "public", "availability": "standard" }
          ]
        }
        """;

    private static CustodyAssessment AssessSample() => CustodyAssessor.Assess(Inventory(Sample));

    internal static CategoryInventory Inventory(string json)
    {
        var parsed = CategoryInventory.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        return parsed.Value;
    }

    private static CategoryAssessment Category(CustodyAssessment a, string name) => Assert.Single(a.Categories, c => c.Category == name);

    [Theory]
    [InlineData("payment-cards", "hsm", "physical-control", "sensitivity: restricted under pci-dss, dora")]
    [InlineData("health-records", "hsm", "physical-control", "sensitivity: restricted under gdpr-special, health")]
    [InlineData("app-telemetry", "remote", "developer-scale", "developerFacing: true")]
    [InlineData("trade-secrets", "threshold", "isolation-with-availability", "legalIsolation: true")]
    [InlineData("marketing-content", "software", "baseline", "sensitivity: public")]
    public void Each_sample_category_gets_the_model_the_guidance_gives_with_the_inputs_that_decided_it(string name, string model, string rule, string trigger)
    {
        var c = Category(AssessSample(), name);

        Assert.Equal(model, c.Model);
        Assert.Equal(rule, c.Rule);
        Assert.Contains(trigger, c.Triggers);
        Assert.StartsWith($"Rule {c.RuleNumber} ({rule}) recommends ", c.Reasons[0]);
        Assert.Contains($"`{trigger}`", c.Reasons[0]);
        Assert.NotEmpty(c.TradeOffs);
    }

    [Fact]
    public void Models_Custos_does_not_implement_yet_say_so_and_name_an_interim_custody()
    {
        var a = AssessSample();

        var telemetry = Category(a, "app-telemetry");
        Assert.False(telemetry.Implemented);
        Assert.Equal("software", telemetry.Interim);
        Assert.Equal("software", telemetry.Key.Custody);
        Assert.Contains("cannot use a remote KMS yet", telemetry.InterimNote);

        var secrets = Category(a, "trade-secrets");
        Assert.False(secrets.Implemented);
        Assert.Equal("hsm", secrets.Interim);
        Assert.Contains("cannot split keys across custodians yet", secrets.InterimNote);

        var cards = Category(a, "payment-cards");
        Assert.True(cards.Implemented);
        Assert.Null(cards.Interim);
        Assert.Equal("hsm", cards.Key.Custody);
    }

    [Fact]
    public void Key_settings_follow_the_sensitivity_and_the_jurisdictions()
    {
        var a = AssessSample();

        var health = Category(a, "health-records").Key;
        Assert.Equal("restricted", health.Classification);
        Assert.Equal(180, health.RotationDays);
        Assert.Equal(["DE"], health.Jurisdictions);
        Assert.Equal("custos keys create --alias health-records --custody hsm --classification restricted --data-category health-records --jurisdiction DE --rotation-days 180", health.CreateCommand);

        Assert.Equal(90, Category(a, "trade-secrets").Key.RotationDays);
        Assert.Equal(["EU"], Category(a, "marketing-content").Key.Jurisdictions);
        Assert.Contains(Category(a, "marketing-content").PolicyNotes, n => n.Contains("EU is the default", StringComparison.Ordinal));
    }

    [Fact]
    public void A_developer_facing_restricted_category_under_a_physical_control_regime_stays_on_the_hsm_and_says_what_it_outweighed()
    {
        var a = CustodyAssessor.Assess(Inventory("""
            { "categories": [ { "name": "card-api", "sensitivity": "restricted", "regimes": ["pci-dss"], "developerFacing": true } ] }
            """));

        var c = Assert.Single(a.Categories);
        Assert.Equal("hsm", c.Model);
        var also = Assert.Single(c.AlsoConsidered);
        Assert.Contains("Rule 3 (developer-scale) also applies", also);
        Assert.Contains(c.TradeOffs, t => t.StartsWith("developer-facing:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "name": "x", "sensitivity": "secret", "legalIsolation": true }""", "hsm", "physical-control")]
    [InlineData("""{ "name": "x", "sensitivity": "internal", "legalIsolation": true, "availability": "high" }""", "threshold", "isolation-with-availability")]
    [InlineData("""{ "name": "x", "sensitivity": "confidential", "physicalControl": true }""", "hsm", "physical-control")]
    [InlineData("""{ "name": "x", "sensitivity": "restricted" }""", "hsm", "high-assurance")]
    [InlineData("""{ "name": "x", "sensitivity": "restricted", "developerFacing": true }""", "remote", "developer-scale")]
    [InlineData("""{ "name": "x", "sensitivity": "secret", "developerFacing": true }""", "hsm", "physical-control")]
    [InlineData("""{ "name": "x", "sensitivity": "public", "developerFacing": true }""", "software", "baseline")]
    [InlineData("""{ "name": "x", "sensitivity": "confidential", "regimes": ["health"] }""", "software", "baseline")]
    public void The_rules_are_tried_in_order(string category, string model, string rule)
    {
        var c = Assert.Single(CustodyAssessor.Assess(Inventory($$"""{ "categories": [ {{category}} ] }""")).Categories);
        Assert.Equal(model, c.Model);
        Assert.Equal(rule, c.Rule);
    }

    [Fact]
    public void The_drafted_policy_is_accepted_by_the_policy_parser_unchanged()
    {
        var draft = AssessSample().Policy;

        var json = draft.Document.ToCanonicalJson();
        var parsed = PolicyDocument.Parse(json);

        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(parsed.Value.ToCanonicalJson()));
        foreach (var rule in draft.Document.Rules) Assert.True(draft.Comments.ContainsKey(rule.Id), rule.Id);
        foreach (var rule in draft.Document.Residency!) Assert.True(draft.Comments.ContainsKey(rule.Id), rule.Id);
    }

    [Fact]
    public void Restricted_and_secret_decrypts_need_two_approvals_and_a_justification()
    {
        var rules = AssessSample().Policy.Document.Rules;

        var decrypt = Assert.Single(rules, r => r.Id == "payment-cards-decrypt");
        Assert.Equal(["payment-cards"], decrypt.Groups);
        Assert.Equal(["decrypt", "rewrap"], decrypt.Operations);
        Assert.Equal(["payment-cards"], decrypt.Keys!.DataCategories);
        Assert.Equal(2, decrypt.Approvals!.Count);
        Assert.Equal("payment-cards-approvers", decrypt.Approvals.Group);
        Assert.Equal(["*"], decrypt.Conditions!.Justifications!.Require);
        Assert.Null(Assert.Single(rules, r => r.Id == "payment-cards-encrypt").Approvals);

        var telemetry = Assert.Single(rules, r => r.Id == "app-telemetry-use");
        Assert.Null(telemetry.Approvals);
        Assert.Null(telemetry.Conditions);
        Assert.DoesNotContain(rules, r => r.Id is "bootstrap-root" or "key-users-use");
        Assert.Contains(rules, r => r.Id == "security-officers-administer");
        Assert.Contains(rules, r => r.Id == "auditors-read");
    }

    [Fact]
    public void Residency_rules_carry_jurisdictions_legal_exposure_and_provider_requirements()
    {
        var residency = AssessSample().Policy.Document.Residency!;

        var secrets = Assert.Single(residency, r => r.Id == "trade-secrets-residency");
        Assert.Equal(["EU"], secrets.AllowedJurisdictions);
        Assert.Equal(["EU"], secrets.AllowedLegalExposure);
        Assert.True(secrets.Provider!.NotifyAndContest);
        Assert.True(secrets.Provider.EuOnlyStaffing);
        Assert.Equal(3, secrets.Provider.Fips140Level);

        var health = Assert.Single(residency, r => r.Id == "health-records-residency");
        Assert.Equal(["DE"], health.AllowedJurisdictions);
        Assert.Null(health.AllowedLegalExposure);
        Assert.True(health.Provider!.Dpa);
        Assert.True(health.Provider.AuditRights);
        Assert.Equal(3, health.Provider.Fips140Level);

        var telemetry = Assert.Single(residency, r => r.Id == "app-telemetry-residency");
        Assert.True(telemetry.Provider!.Dpa);
        Assert.True(telemetry.Provider.Iso27001);
        Assert.Null(telemetry.Provider.Fips140Level);

        var marketing = Assert.Single(residency, r => r.Id == "marketing-content-residency");
        Assert.Null(marketing.Provider);
        Assert.Equal(["EU"], marketing.AllowedJurisdictions);
    }

    [Fact]
    public void Category_names_that_are_not_rule_ids_become_unique_rule_ids()
    {
        var a = CustodyAssessor.Assess(Inventory("""
            { "categories": [ { "name": "PII.eu", "sensitivity": "confidential" }, { "name": "pii:EU", "sensitivity": "internal" } ] }
            """));

        Assert.Equal(["pii-eu-use", "pii-eu-residency"], a.Categories[0].PolicyRules);
        Assert.Equal(["pii-eu-2-use", "pii-eu-2-residency"], a.Categories[1].PolicyRules);
        Assert.Equal(["PII.eu"], a.Policy.Document.Rules.Single(r => r.Id == "pii-eu-use").Keys!.DataCategories);
        Assert.Equal(["PII.eu"], a.Policy.Document.Rules.Single(r => r.Id == "pii-eu-use").Groups);
        Assert.True(PolicyDocument.Parse(a.Policy.Document.ToCanonicalJson()).IsSuccess);
    }
}
