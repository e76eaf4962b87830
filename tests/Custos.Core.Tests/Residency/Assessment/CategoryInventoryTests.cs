using System.Text;
using Custos.Core.Residency.Assessment;

namespace Custos.Core.Tests.Residency.Assessment;

public sealed class CategoryInventoryTests
{
    private static string Error(string json)
    {
        var parsed = CategoryInventory.Parse(Encoding.UTF8.GetBytes(json));
        Assert.False(parsed.IsSuccess);
        return parsed.Error.Message;
    }

    [Theory]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "top-secret" } ] }""", "category 1 ('x'): unknown sensitivity 'top-secret'; it is one of public, internal, confidential, restricted, secret")]
    [InlineData("""{ "categories": [ { "sensitivity": "secret" } ] }""", "category 1: 'name' is missing")]
    [InlineData("""{ "categories": [ { "name": "a", "sensitivity": "secret" }, { "name": "A", "sensitivity": "public" } ] }""", "category 2 ('A'): the same category as category 1")]
    [InlineData("""{ "categories": [ { "name": "x" } ] }""", "category 1 ('x'): 'sensitivity' is missing")]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "secret", "regimes": ["hipaa"] } ] }""", "category 1 ('x'): unknown regime 'hipaa'; regimes are gdpr, gdpr-special")]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "secret", "availability": "always" } ] }""", "unknown availability 'always'; it is standard, high or critical")]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "secret", "developerFacing": "yes" } ] }""", "'developerFacing' is true or false, not 'yes'")]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "secret", "jurisdictions": ["Germany"] } ] }""", "jurisdiction 'Germany' is not an ISO 3166-1 alpha-2 country code")]
    [InlineData("""{ "categories": [ { "name": "x", "sensitivity": "secret", "sensitivty": "secret" } ] }""", "category 1 ('x'): unknown field 'sensitivty'")]
    [InlineData("""{ "categories": [ { "name": "has space", "sensitivity": "secret" } ] }""", "category 1: 'name' must be 1-64 characters")]
    [InlineData("""{ "categories": [] }""", "needs a 'categories' list with at least one category")]
    [InlineData("""{ "category": [] }""", "unknown field 'category' at the top")]
    [InlineData("""[1, 2]""", "the categories file is a mapping")]
    public void Bad_input_is_refused_naming_the_category_and_the_field(string json, string message)
    {
        Assert.Contains(message, Error(json));
    }

    [Fact]
    public void Optional_fields_have_documented_defaults_and_names_are_normalised()
    {
        var parsed = CategoryInventory.Parse(Encoding.UTF8.GetBytes("""
            { "categories": [ { "name": "pii", "sensitivity": "Confidential", "regimes": "GDPR", "jurisdictions": ["de", "FR", "DE"] }, { "name": "logs", "sensitivity": "internal" } ] }
            """));

        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        var pii = parsed.Value.Categories[0];
        Assert.Equal(Custos.Core.Keys.Classification.Confidential, pii.Sensitivity);
        Assert.Equal("gdpr", Assert.Single(pii.Regimes).Code);
        Assert.Equal(["DE", "FR"], pii.Jurisdictions);
        Assert.True(pii.JurisdictionsGiven);
        Assert.Equal("pii", pii.Group);
        Assert.Equal("pii-approvers", pii.ApproverGroup);
        var logs = parsed.Value.Categories[1];
        Assert.Equal(Availability.Standard, logs.Availability);
        Assert.False(logs.DeveloperFacing || logs.LegalIsolation || logs.PhysicalControl);
        Assert.Equal(["EU"], logs.Jurisdictions);
        Assert.False(logs.JurisdictionsGiven);
    }
}
