using Custos.Core.Access.Policy;
using Custos.Core.Keys;
using Custos.Core.Residency;

namespace Custos.Core.Tests.Residency;

public sealed class ResidencyEvaluatorTests
{
    private static readonly Provider SelfHosted = new() { Id = "self", LegalName = "Example GmbH", HeadquartersCountry = "DE" };

    private static readonly Provider AcmeHsm = new()
    {
        Id = "acme-hsm",
        LegalName = "Acme HSM SAS",
        HeadquartersCountry = "FR",
        Dpa = new DataProcessingAgreement { Date = new DateOnly(2025, 3, 1), Reference = "DPA-2025-17" },
        AuditRights = true,
        Certifications = new Certifications { Fips140Level = 2 },
    };

    private static readonly Provider HyperCloud = new()
    {
        Id = "hypercloud-eu",
        LegalName = "HyperCloud EU Ltd",
        HeadquartersCountry = "US",
        Dpa = new DataProcessingAgreement { Date = new DateOnly(2024, 1, 1), Reference = "HC-1" },
        Sccs = true,
        AuditRights = true,
        LawEnforcement = new LawEnforcementHandling { Notify = true },
        Certifications = new Certifications { Fips140Level = 3, Iso27001 = true, Soc2 = true },
    };

    private static readonly Dictionary<string, Provider> Register = new()
    {
        [SelfHosted.Id] = SelfHosted,
        [AcmeHsm.Id] = AcmeHsm,
        [HyperCloud.Id] = HyperCloud,
    };

    private static KeyFacts Key(Classification classification = Classification.Restricted, params string[] allowed) =>
        new("key_01", null, classification, [], new Dictionary<string, string>()) { AllowedJurisdictions = allowed };

    private static Placement Keystore(string country, string provider, params string[] compellableBy) =>
        new("keystore 'hsm:vault'", new Location { Country = country, Operator = provider, CompellableBy = compellableBy }, PlacementRole.Material);

    private static Placement Node(string country, string provider = "self") =>
        new("node 'n1'", new Location { Country = country, Operator = provider }, PlacementRole.Serving);

    private static PolicyDocument Policy(params ResidencyRule[] rules) => new() { Residency = rules };

    private static IReadOnlyList<ResidencyViolation> Check(KeyFacts key, PolicyDocument policy, params Placement[] placements) =>
        ResidencyEvaluator.Check(ResidencyEvaluator.RequirementsFor(key, policy), placements, Register);

    [Fact]
    public void A_key_without_requirements_complies_anywhere_even_where_no_location_is_declared()
    {
        var requirements = ResidencyEvaluator.RequirementsFor(Key(), Policy());

        Assert.True(requirements.IsEmpty);
        Assert.Empty(ResidencyEvaluator.Check(requirements, [new Placement("node 'n1'", null, PlacementRole.Serving), Keystore("US", "hypercloud-eu")], Register));
    }

    [Fact]
    public void The_keys_own_allowed_jurisdictions_admit_members_of_a_bloc_and_name_themselves_when_broken()
    {
        var key = Key(Classification.Confidential, "EU");

        Assert.Empty(Check(key, Policy(), Keystore("FR", "acme-hsm"), Node("DE")));
        var violation = Assert.Single(Check(key, Policy(), Keystore("FR", "acme-hsm"), Node("CH")));

        Assert.Null(violation.RuleId);
        Assert.Equal("node 'n1'", violation.Placement);
        Assert.Equal("key key_01 (confidential): the key's allowedJurisdictions allows EU, but node 'n1' is in CH", violation.Message);
    }

    [Fact]
    public void Rules_that_select_the_key_add_up_with_its_own_jurisdictions_and_the_effective_lists_are_intersections()
    {
        var policy = Policy(
            new ResidencyRule { Id = "eea", AllowedJurisdictions = ["EEA"] },
            new ResidencyRule { Id = "restricted-in-de-fr", Keys = new KeySelector { Classifications = ["restricted"] }, AllowedJurisdictions = ["DE", "FR", "NO"] },
            new ResidencyRule { Id = "secret-only-de", Keys = new KeySelector { Classifications = ["secret"] }, AllowedJurisdictions = ["DE"] });
        var key = Key(Classification.Restricted, "EU");

        var requirements = ResidencyEvaluator.RequirementsFor(key, policy);

        Assert.Equal([null, "eea", "restricted-in-de-fr"], requirements.Sources.Select(s => s.RuleId));
        Assert.Equal(["DE", "FR"], requirements.Countries!.Order());
        Assert.Empty(Check(key, policy, Keystore("FR", "acme-hsm")));
        var norway = Check(key, policy, Keystore("NO", "acme-hsm"));
        Assert.Equal([null], norway.Select(v => v.RuleId)); // in the EEA and in the rule's list, but not in the EU the key allows
        var italy = Check(key, policy, Keystore("IT", "acme-hsm"));
        Assert.Equal("key key_01 (restricted): rule 'restricted-in-de-fr' allows DE, FR, NO, but keystore 'hsm:vault' is in IT", Assert.Single(italy).Message);
    }

    [Fact]
    public void Provider_requirements_are_the_union_of_the_rules_and_each_missing_one_is_explained()
    {
        var policy = Policy(
            new ResidencyRule { Id = "contracts", Provider = new ProviderRequirements { Dpa = true, AuditRights = true } },
            new ResidencyRule { Id = "restricted-needs-fips3", Keys = new KeySelector { Classifications = ["restricted"] }, Provider = new ProviderRequirements { Fips140Level = 3 } });
        var requirements = ResidencyEvaluator.RequirementsFor(Key(), policy);

        Assert.Equal((true, true, 3, false), (requirements.Provider.Dpa, requirements.Provider.AuditRights, requirements.Provider.Fips140Level, requirements.Provider.Sccs));
        var violation = Assert.Single(ResidencyEvaluator.Check(requirements, [Keystore("FR", "acme-hsm")], Register));
        Assert.Equal("restricted-needs-fips3", violation.RuleId);
        Assert.Equal("key key_01 (restricted): rule 'restricted-needs-fips3' requires FIPS 140-3 level 3 of provider 'acme-hsm' (has level 2), operator of keystore 'hsm:vault'",
            violation.Message);
        var self = ResidencyEvaluator.Check(requirements, [Keystore("DE", "self")], Register).Select(v => v.Message).ToList();
        Assert.Equal(
        [
            "key key_01 (restricted): rule 'contracts' requires a DPA of provider 'self' (none recorded), operator of keystore 'hsm:vault'",
            "key key_01 (restricted): rule 'contracts' requires audit rights of provider 'self' (none recorded), operator of keystore 'hsm:vault'",
            "key key_01 (restricted): rule 'restricted-needs-fips3' requires FIPS 140-3 level 3 of provider 'self' (has none), operator of keystore 'hsm:vault'",
        ], self);
    }

    [Fact]
    public void A_provider_headquartered_outside_the_allowed_exposure_is_refused_even_in_an_allowed_country()
    {
        var policy = Policy(new ResidencyRule { Id = "no-foreign-law", AllowedJurisdictions = ["EU"], AllowedLegalExposure = ["EU"] });

        var violation = Assert.Single(Check(Key(), policy, Keystore("IE", "hypercloud-eu")));

        Assert.Equal("key key_01 (restricted): rule 'no-foreign-law' allows legal exposure to EU only, but the operator of keystore 'hsm:vault' can be compelled "
            + "under the law of US (headquarters of provider 'hypercloud-eu')", violation.Message);
        Assert.Empty(Check(Key(), policy, Keystore("FR", "acme-hsm")));
    }

    [Fact]
    public void Declared_compellable_jurisdictions_and_subprocessor_countries_count_as_exposure_and_a_bloc_must_fit_whole()
    {
        var policy = Policy(new ResidencyRule { Id = "de-law-only", AllowedLegalExposure = ["DE"] });
        var withSubprocessor = new Provider { Id = "colo", LegalName = "Colo AG", HeadquartersCountry = "DE", Subprocessors = [new Subprocessor { Name = "Remote Hands Inc", Country = "CH" }] };
        var register = new Dictionary<string, Provider>(Register) { [withSubprocessor.Id] = withSubprocessor };

        var declared = ResidencyEvaluator.Check(ResidencyEvaluator.RequirementsFor(Key(), policy), [Keystore("DE", "self", "EU")], register);
        var subprocessor = ResidencyEvaluator.Check(ResidencyEvaluator.RequirementsFor(Key(), policy), [Keystore("DE", "colo")], register);

        Assert.EndsWith("can be compelled under the law of EU (declared in compellableBy)", Assert.Single(declared).Message);
        Assert.EndsWith("under the law of CH (subprocessor 'Remote Hands Inc' of provider 'colo')", Assert.Single(subprocessor).Message);
        Assert.True(Jurisdictions.Within("EU", ["EEA"]));
        Assert.False(Jurisdictions.Within("EEA", ["EU"]));
    }

    [Fact]
    public void A_serving_node_is_held_to_contracts_but_not_to_module_certifications()
    {
        var policy = Policy(new ResidencyRule { Id = "hsm-grade", Provider = new ProviderRequirements { Fips140Level = 3, CommonCriteria = true, Dpa = true } });
        var requirements = ResidencyEvaluator.RequirementsFor(Key(), policy);

        Assert.Empty(ResidencyEvaluator.Check(requirements, [Node("FR", "acme-hsm")], Register));
        Assert.Equal(2, ResidencyEvaluator.Check(requirements, [Keystore("FR", "acme-hsm")], Register).Count); // FIPS level and Common Criteria
        Assert.Contains("requires a DPA of provider 'self'", Assert.Single(ResidencyEvaluator.Check(requirements, [Node("DE", "self")], Register)).Message);
    }

    [Fact]
    public void No_declared_location_or_an_operator_missing_from_the_register_fails_closed()
    {
        var policy = Policy(new ResidencyRule { Id = "contracts", Provider = new ProviderRequirements { Sccs = true } });

        var nowhere = Check(Key(Classification.Restricted, "DE"), policy, new Placement("node 'n1'", null, PlacementRole.Serving));
        var unknown = Check(Key(), policy, Keystore("DE", "nobody"));

        Assert.Equal(
        [
            "key key_01 (restricted): the key's allowedJurisdictions restricts where the key may live and be served, but node 'n1' declares no location",
            "key key_01 (restricted): rule 'contracts' restricts where the key may live and be served, but node 'n1' declares no location",
        ], nowhere.Select(v => v.Message));
        Assert.Equal("key key_01 (restricted): rule 'contracts' sets requirements on the operator of keystore 'hsm:vault', but its provider 'nobody' is not in the legal register",
            Assert.Single(unknown).Message);
    }

    [Fact]
    public void Notify_and_contest_needs_both_commitments_and_says_which_one_is_missing()
    {
        var policy = Policy(new ResidencyRule { Id = "le", Provider = new ProviderRequirements { NotifyAndContest = true, Sccs = true } });

        var violation = Assert.Single(Check(Key(), policy, Keystore("IE", "hypercloud-eu")));

        Assert.EndsWith("requires a commitment to notify of and contest law-enforcement requests of provider 'hypercloud-eu' (it commits to notify only), operator of keystore 'hsm:vault'",
            violation.Message);
    }

    [Fact]
    public void A_new_key_is_named_by_its_alias_and_rules_select_it_by_its_facts()
    {
        var policy = Policy(new ResidencyRule { Id = "payments-de", Keys = new KeySelector { Aliases = ["payments-*"] }, AllowedJurisdictions = ["DE"] });
        var payments = KeyFacts.Of("payments-eu", new KeyAttributes { Classification = Classification.Secret });
        var other = KeyFacts.Of("reports", new KeyAttributes());

        Assert.Equal("new key alias/payments-eu (secret): rule 'payments-de' allows DE, but keystore 'hsm:vault' is in FR",
            Assert.Single(Check(payments, policy, Keystore("FR", "acme-hsm"))).Message);
        Assert.Empty(Check(other, policy, Keystore("FR", "acme-hsm")));
        Assert.True(PolicyEvaluator.Selects(null, other));
        Assert.False(PolicyEvaluator.Selects(new KeySelector { Aliases = ["payments-*"] }, other));
    }
}
