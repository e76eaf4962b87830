using System.Net;
using System.Text;
using System.Text.Json;
using Custos.Server.Tests.Support;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Api.Rest.Residency;

/// <summary>The legal register over REST on a real server: who may read and change it, what a bad entry gets, and that every step is audited.</summary>
public sealed class RegisterEndpointsTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private const string Acme = """
        { "legalName": "Acme HSM SAS", "headquartersCountry": "FR",
          "dpa": { "date": "2025-03-01", "reference": "DPA-2025-17" }, "sccs": false, "auditRights": true,
          "lawEnforcement": { "notify": true, "contest": true },
          "subprocessors": [ { "name": "Colo SA", "country": "FR", "service": "data centre" } ],
          "certifications": { "fips140Level": 3, "iso27001": true }, "euOnlyStaffing": true }
        """;

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string id, string json) =>
        client.PutAsync($"/v1/register/providers/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task Officers_create_and_replace_entries_auditors_read_them_and_key_users_do_neither()
    {
        var (_, officer) = await CreateTokenAsync(_server.Root, "alice", ["security-officer"]);
        var (_, auditorSecret) = await CreateTokenAsync(_server.Root, "audrey", ["auditor"]);
        var (_, keyUserSecret) = await CreateTokenAsync(_server.Root, "app", ["key-user"]);
        using var alice = _server.NewClient(officer);
        using var auditor = _server.NewClient(auditorSecret);
        using var app = _server.NewClient(keyUserSecret);

        using var created = await PutAsync(alice, "acme-hsm", Acme);
        var body = await OkAsync(created, HttpStatusCode.Created);
        using var replaced = await PutAsync(alice, "acme-hsm", Acme.Replace("\"fips140Level\": 3", "\"fips140Level\": 4", StringComparison.Ordinal));
        await OkAsync(replaced);
        using var read = await auditor.GetAsync("/v1/register/providers/acme-hsm", Ct);
        var entry = await OkAsync(read);
        using var list = await auditor.GetAsync("/v1/register/providers", Ct);
        var providers = (await OkAsync(list)).GetProperty("providers").EnumerateArray().ToList();
        using var keyUserPut = await PutAsync(app, "acme-hsm", Acme);
        using var keyUserRead = await app.GetAsync("/v1/register/providers", Ct);

        Assert.Equal("acme-hsm", body.GetProperty("provider").GetProperty("id").GetString());
        Assert.Equal(4, entry.GetProperty("provider").GetProperty("certifications").GetProperty("fips140Level").GetInt32());
        Assert.Equal("2025-03-01", entry.GetProperty("provider").GetProperty("dpa").GetProperty("date").GetString());
        Assert.StartsWith("token:", entry.GetProperty("updatedBy").GetString());
        Assert.Equal(["acme-hsm", "self-hosted-dev"], providers.Select(p => p.GetProperty("id").GetString()));
        var dev = providers[1];
        Assert.True(dev.GetProperty("provider").GetProperty("dev").GetBoolean());
        Assert.Equal([$"node '{_server.Options.NodeName}'"], dev.GetProperty("usedBy").EnumerateArray().Select(u => u.GetString()));
        await ProblemAsync(keyUserPut, HttpStatusCode.Forbidden);
        Assert.Contains("may not read the legal register", await ProblemAsync(keyUserRead, HttpStatusCode.Forbidden));

        var events = await EventsAsync(_server.Root, "register.put");
        Assert.Equal(["allowed", "allowed", "allowed", "denied"], events.Select(e => e.GetProperty("outcome").GetString())); // the dev entry at start, then ours
        Assert.Equal("system", events[0].GetProperty("principal").GetString());
        Assert.All(events.Skip(1), e => Assert.Equal("acme-hsm", e.GetProperty("provider").GetString()));
        Assert.All(events, e => Assert.Equal("DE", e.GetProperty("nodeCountry").GetString()));
    }

    [Theory]
    [InlineData("""{ "legalName": "Acme", "headquartersCountry": "France" }""", "provider 'acme-hsm': 'headquartersCountry' 'France' is not an ISO 3166-1 alpha-2 country code")]
    [InlineData("""{ "id": "other", "legalName": "Acme", "headquartersCountry": "FR" }""", "the entry's id 'other' is not 'acme-hsm', the id it is put under")]
    [InlineData("""{ "legalName": "Acme", "headquartersCountry": "FR", "fips": 3 }""", "the provider is not valid:")]
    [InlineData("""[1, 2]""", "send the provider as a JSON object")]
    [InlineData("""{ "legalName": """, "request body is not valid JSON")]
    public async Task A_bad_entry_is_a_400_that_says_what_is_wrong_and_stores_nothing(string json, string expected)
    {
        using var response = await PutAsync(_server.Root, "acme-hsm", json);

        Assert.StartsWith(expected, await ProblemAsync(response, HttpStatusCode.BadRequest));
        using var missing = await _server.Root.GetAsync("/v1/register/providers/acme-hsm", Ct);
        Assert.Contains("provider 'acme-hsm' is not in the legal register", await ProblemAsync(missing, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task An_entry_a_location_names_cannot_be_deleted_and_an_unused_one_can()
    {
        using (var created = await PutAsync(_server.Root, "acme-hsm", Acme)) await OkAsync(created, HttpStatusCode.Created);

        using var used = await _server.Root.DeleteAsync("/v1/register/providers/self-hosted-dev", Ct);
        using var unused = await _server.Root.DeleteAsync("/v1/register/providers/acme-hsm", Ct);
        using var again = await _server.Root.DeleteAsync("/v1/register/providers/acme-hsm", Ct);
        using var badId = await _server.Root.DeleteAsync("/v1/register/providers/Not_An_Id", Ct);

        Assert.Equal($"provider 'self-hosted-dev' operates node '{_server.Options.NodeName}': change that location in the configuration first",
            await ProblemAsync(used, HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.NoContent, unused.StatusCode);
        await ProblemAsync(again, HttpStatusCode.NotFound);
        await ProblemAsync(badId, HttpStatusCode.BadRequest);
        var deletes = await EventsAsync(_server.Root, "register.delete");
        Assert.Equal(["failed", "allowed", "failed", "failed"], deletes.Select(e => e.GetProperty("outcome").GetString()));
    }
}
