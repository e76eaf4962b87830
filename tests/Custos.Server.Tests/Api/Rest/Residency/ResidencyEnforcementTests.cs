using System.Net;
using System.Text;
using System.Text.Json;
using Custos.Server.Tests.Support;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Api.Rest.Residency;

/// <summary>
/// Residency on a real server in dev mode (node in DE, operated by dev mode's placeholder provider, which also holds
/// the software keystore): creation refused where the key may not live, events that record where material was made
/// and where each request was served, and register and policy changes that would strand a key refused naming it.
/// </summary>
public sealed class ResidencyEnforcementTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private string Node => _server.Options.NodeName;

    private Task<HttpResponseMessage> PutProviderAsync(string id, string json) =>
        _server.Root.PutAsync($"/v1/register/providers/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task Creating_a_key_whose_jurisdictions_exclude_the_keystore_is_a_403_naming_key_and_place_and_is_audited()
    {
        using var refused = await PostAsync(_server.Root, "/v1/keys", new { alias = "fr-only", allowedJurisdictions = new[] { "FR" } });
        using var allowed = await PostAsync(_server.Root, "/v1/keys", new { alias = "eu", allowedJurisdictions = new[] { "EU" } });

        var detail = await ProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal($"new key alias/fr-only (confidential): the key's allowedJurisdictions allows FR, but node '{Node}' (holding the software keystore) is in DE", detail);
        await OkAsync(allowed, HttpStatusCode.Created);
        using var missing = await _server.Root.GetAsync("/v1/keys/alias/fr-only", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var creates = await EventsAsync(_server.Root, "key.create");
        Assert.Equal(("denied", "residency-violation"), (creates[0].GetProperty("outcome").GetString(), creates[0].GetProperty("errorCode").GetString()));
        var location = creates[1].GetProperty("location");
        Assert.Equal(("software", "DE", "self-hosted-dev", "dev machine"),
            (location.GetProperty("keystore").GetString(), location.GetProperty("country").GetString(), location.GetProperty("operator").GetString(), location.GetProperty("region").GetString()));
        Assert.Equal(["DE"], location.GetProperty("compellableBy").EnumerateArray().Select(j => j.GetString()));
    }

    [Fact]
    public async Task The_problem_type_of_a_refusal_is_residency_violation()
    {
        using var refused = await PostAsync(_server.Root, "/v1/keys", new { allowedJurisdictions = new[] { "US" } });
        var body = await OkAsync(refused, HttpStatusCode.Forbidden);

        Assert.Equal("urn:custos:problem:residency-violation", body.GetProperty("type").GetString());
        Assert.Equal("Residency violation", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_register_change_that_would_strand_a_key_is_a_409_naming_key_and_rule()
    {
        // Give the dev operator a DPA, require one for every key, then make a key that relies on it.
        using (var dpa = await PutProviderAsync("self-hosted-dev",
            """{ "legalName": "Example GmbH", "headquartersCountry": "DE", "dpa": { "date": "2026-01-15", "reference": "internal-7" } }"""))
            await OkAsync(dpa);
        await ActivateAsync(_server, new { rules = DefaultRules, residency = new[] { new { id = "needs-dpa", provider = new { dpa = true } } } });
        var key = await CreateKeyAsync(_server.Root, "contracted", "confidential");

        using var withoutDpa = await PutProviderAsync("self-hosted-dev", """{ "legalName": "Example GmbH", "headquartersCountry": "DE" }""");
        using var usHeadquarters = await PutProviderAsync("self-hosted-dev",
            """{ "legalName": "Example Inc", "headquartersCountry": "US", "dpa": { "date": "2026-01-15", "reference": "internal-7" } }""");

        var body = await OkAsync(withoutDpa, HttpStatusCode.Conflict);
        Assert.Equal($"this change to provider 'self-hosted-dev' would put 1 existing key(s) out of residency policy: key {key} (alias/contracted, confidential): "
            + $"rule 'needs-dpa' requires a DPA of provider 'self-hosted-dev' (none recorded), operator of node '{Node}' (holding the software keystore)",
            body.GetProperty("detail").GetString());
        Assert.Equal(key, body.GetProperty("keys").GetString());
        await OkAsync(usHeadquarters); // no rule limits legal exposure, so a US parent strands nothing
        using var encrypt = await PostAsync(_server.Root, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" });
        await OkAsync(encrypt);
    }

    [Fact]
    public async Task A_policy_version_whose_residency_rules_existing_keys_would_break_cannot_be_approved()
    {
        var key = await CreateKeyAsync(_server.Root, "berlin", "restricted");
        var (_, alice) = await CreateTokenAsync(_server.Root, "alice", ["security-officer"]);
        var (_, bob) = await CreateTokenAsync(_server.Root, "bob", ["security-officer"]);
        using var a = _server.NewClient(alice);
        using var b = _server.NewClient(bob);
        var document = new { rules = DefaultRules, residency = new[] { new { id = "restricted-in-france", keys = new { classifications = new[] { "restricted" } }, allowedJurisdictions = new[] { "FR" } } } };
        using var proposed = await PostAsync(a, "/v1/policy", new { document, comment = "move restricted keys to France" });
        var version = (await OkAsync(proposed, HttpStatusCode.Created)).GetProperty("version").GetInt32();

        using var approve = await PostAsync(b, $"/v1/policy/versions/{version}/approve", null);

        Assert.Equal($"approving policy version {version} would put 1 existing key(s) out of residency policy: key {key} (alias/berlin, restricted): "
            + $"rule 'restricted-in-france' allows FR, but node '{Node}' (holding the software keystore) is in DE", await ProblemAsync(approve, HttpStatusCode.Conflict));
        Assert.Equal(0, (await OkAsync(await a.GetAsync("/v1/policy", Ct))).GetProperty("version").GetInt32());
        var decisions = await EventsAsync(_server.Root, "policy.approve");
        Assert.Equal(("failed", "conflict"), (decisions[^1].GetProperty("outcome").GetString(), decisions[^1].GetProperty("errorCode").GetString()));
    }

    [Fact]
    public async Task Every_event_names_the_country_of_the_node_that_served_it()
    {
        var key = await CreateKeyAsync(_server.Root, "served", "internal");
        await EncryptAsync(_server.Root, key);
        using (await _server.Anonymous.GetAsync("/v1/keys", Ct)) { }

        using var response = await _server.Root.GetAsync("/v1/audit/events?limit=1000", Ct);
        var events = (await OkAsync(response)).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event")).ToList();

        Assert.Contains(events, e => e.GetProperty("operation").GetString() == "http.get");
        Assert.All(events, e => Assert.Equal("DE", e.GetProperty("nodeCountry").GetString()));
    }

    /// <summary>The built-in default rules (so that the tests' tokens keep their usual rights) as JSON objects.</summary>
    private static readonly JsonElement DefaultRules =
        JsonDocument.Parse(Encoding.UTF8.GetString(new Core.Access.Policy.PolicyDocument { Rules = Core.Access.Policy.DefaultPolicy.Document.Rules }.ToCanonicalJson()))
            .RootElement.GetProperty("rules").Clone();
}
