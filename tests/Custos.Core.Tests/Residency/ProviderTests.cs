using System.Text;
using Custos.Core.Residency;

namespace Custos.Core.Tests.Residency;

public sealed class ProviderTests
{
    private static string Parse(string json)
    {
        var result = Provider.Parse(Encoding.UTF8.GetBytes(json));
        return result.IsSuccess ? "ok" : result.Error.Message;
    }

    [Fact]
    public void A_full_entry_round_trips_through_its_canonical_json()
    {
        const string Json = """
            {"id":"acme-hsm","legalName":"Acme HSM SAS","headquartersCountry":"FR","dpa":{"date":"2025-03-01","reference":"DPA-2025-17"},
             "sccs":true,"auditRights":true,"lawEnforcement":{"notify":true,"contest":true,"process":"https://acme.example/le"},
             "subprocessors":[{"name":"Colo SA","country":"FR","service":"data centre"}],
             "certifications":{"fips140Level":3,"commonCriteria":"EAL4+","iso27001":true,"soc2":false},"euOnlyStaffing":true,"notes":"reviewed 2026-01"}
            """;
        var provider = Provider.Parse(Encoding.UTF8.GetBytes(Json)).Value;

        var again = Provider.Parse(provider.ToCanonicalJson()).Value;

        Assert.Equal(new DateOnly(2025, 3, 1), again.Dpa!.Date);
        Assert.Equal(3, again.Certifications!.Fips140Level);
        Assert.Equal("Colo SA", Assert.Single(again.Subprocessors!).Name);
        Assert.Equal(provider.ToCanonicalJson(), again.ToCanonicalJson());
    }

    [Theory]
    [InlineData("""{"id":"Acme","legalName":"A","headquartersCountry":"FR"}""", "provider: 'id' 'Acme' is 1-64 characters of a-z, 0-9 and '-'")]
    [InlineData("""{"id":"a","legalName":"","headquartersCountry":"FR"}""", "provider 'a': 'legalName' is 1-256 characters")]
    [InlineData("""{"id":"a","legalName":"A","headquartersCountry":"EU"}""", "provider 'a': 'headquartersCountry' 'EU' is not an ISO 3166-1 alpha-2 country code")]
    [InlineData("""{"id":"a","legalName":"A","headquartersCountry":"FR","dpa":{"reference":"x"}}""", "provider 'a': 'dpa.date' (YYYY-MM-DD) is required")]
    [InlineData("""{"id":"a","legalName":"A","headquartersCountry":"FR","certifications":{"fips140Level":5}}""", "provider 'a': 'certifications.fips140Level' is 1 to 4")]
    [InlineData("""{"id":"a","legalName":"A","headquartersCountry":"FR","subprocessors":[{"name":"S","country":"usa"}]}""", "provider 'a': 'subprocessors[0].country' 'usa' is not an ISO 3166-1 alpha-2 country code")]
    public void Invalid_entries_are_refused_naming_the_member(string json, string expected) => Assert.Equal(expected, Parse(json));

    [Fact]
    public void Unknown_members_and_malformed_dates_are_refused()
    {
        Assert.StartsWith("the provider is not valid:", Parse("""{"id":"a","legalName":"A","headquartersCountry":"FR","fips":3}"""));
        Assert.StartsWith("the provider is not valid:", Parse("""{"id":"a","legalName":"A","headquartersCountry":"FR","dpa":{"date":"1 March","reference":"x"}}"""));
    }

    [Theory]
    [InlineData("Germany", "acme", "location.country 'Germany' is not an ISO 3166-1 alpha-2 country code such as DE (a bloc such as EU is not a place)")]
    [InlineData("EU", "acme", "location.country 'EU' is not an ISO 3166-1 alpha-2 country code such as DE (a bloc such as EU is not a place)")]
    [InlineData("DE", "", "location.operator '' is not the id of a provider in the legal register (1-64 characters of a-z, 0-9 and '-')")]
    public void Locations_are_checked_naming_the_setting(string country, string op, string expected) =>
        Assert.Equal(expected, new Location { Country = country, Operator = op }.Validate("location"));

    [Fact]
    public void A_location_may_name_blocs_it_is_compellable_by_but_not_made_up_codes()
    {
        Assert.Null(new Location { Country = "DE", Operator = "acme", CompellableBy = ["EU", "US"] }.Validate("hsm.location"));
        Assert.StartsWith("hsm.location.compellableBy: 'usa' is not", new Location { Country = "DE", Operator = "acme", CompellableBy = ["usa"] }.Validate("hsm.location"));
    }
}
