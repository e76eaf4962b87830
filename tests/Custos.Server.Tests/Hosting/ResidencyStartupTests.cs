using System.Net;
using Custos.Core.Residency;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Hosting;

/// <summary>
/// The residency check at start: a configuration that would strand a stored key stops the server naming key and
/// rule; --allow-stranded-keys starts it with those keys refused; a location naming an unknown provider or not a
/// country stops it too. Each test starts and restarts real servers in one folder.
/// </summary>
public sealed class ResidencyStartupTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _dir = TestServer.NewFolder();

    public ValueTask DisposeAsync()
    {
        TestServer.DeleteFolder(_dir);
        return ValueTask.CompletedTask;
    }

    private static Func<ServerOptions, ServerOptions> In(string country, bool allowStranded = false) =>
        o => o with { AuditLog = true, Location = DevMode.DevLocation(country), AllowStrandedKeys = allowStranded };

    [Fact]
    public async Task Moving_the_node_out_of_a_keys_jurisdictions_stops_the_start_unless_stranded_keys_are_allowed_and_then_they_stay_refused()
    {
        string key, blob;
        var berlin = await TestServer.StartInAsync(_dir, In("DE"), Ct);
        try
        {
            using var created = await PostAsync(berlin.Root, "/v1/keys", new { alias = "german", allowedJurisdictions = new[] { "DE" } });
            key = (await OkAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;
            blob = Convert.ToBase64String(await EncryptAsync(berlin.Root, key));
            await CreateKeyAsync(berlin.Root, "anywhere", "internal");
        }
        finally
        {
            await berlin.StopAsync(); // keeps the folder for the next start
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartInAsync(_dir, In("AT"), Ct));
        Assert.Equal($"residency: with this configuration 1 stored key(s) would be out of residency policy: key {key} (alias/german, confidential): the key's allowedJurisdictions "
            + $"allows DE, but node '{Environment.MachineName}' (holding the software keystore) is in AT. Restore the location or register entry, or change the policy, "
            + "or start with --allow-stranded-keys to serve the other keys (these stay refused)", refused.Message);

        await using var vienna = await TestServer.StartInAsync(_dir, In("AT", allowStranded: true), Ct);
        using var decrypt = await PostAsync(vienna.Root, "/v1/decrypt", new { ciphertextBlob = blob });
        using var rotate = await PostAsync(vienna.Root, $"/v1/keys/{key}/rotate", null);
        using var other = await PostAsync(vienna.Root, "/v1/keys/alias/anywhere/encrypt", new { plaintext = "aGVsbG8=" });
        using var read = await vienna.Root.GetAsync($"/v1/keys/{key}", Ct);
        using var disable = await PostAsync(vienna.Root, $"/v1/keys/{key}/disable", null);

        Assert.EndsWith("the key's allowedJurisdictions allows DE, but node '" + Environment.MachineName + "' (holding the software keystore) is in AT",
            await ProblemAsync(decrypt, HttpStatusCode.Forbidden));
        await ProblemAsync(rotate, HttpStatusCode.Forbidden);
        await OkAsync(other);
        await OkAsync(read);
        await OkAsync(disable);
        Assert.Contains(vienna.Logs.Messages, m => m.Contains("started with --allow-stranded-keys; 1 key(s) are out of residency policy", StringComparison.Ordinal));
        var stranded = Assert.Single(await EventsAsync(vienna.Root, "residency.stranded"));
        Assert.Equal((key, "denied", "residency-violation", "AT"), (stranded.GetProperty("keyId").GetString(), stranded.GetProperty("outcome").GetString(),
            stranded.GetProperty("errorCode").GetString(), stranded.GetProperty("nodeCountry").GetString()));
        var decrypts = await EventsAsync(vienna.Root, "data.decrypt");
        Assert.Equal(("denied", "residency-violation"), (decrypts[^1].GetProperty("outcome").GetString(), decrypts[^1].GetProperty("errorCode").GetString()));

        // The overview puts the stranded key first among what it counts, with why, and records itself.
        using var overviewResponse = await vienna.Root.GetAsync("/v1/reports/residency/overview", Ct);
        var overview = await OkAsync(overviewResponse);
        var totals = overview.GetProperty("totals");
        Assert.Equal((2, 1, 1), (totals.GetProperty("keys").GetInt32(), totals.GetProperty("compliant").GetInt32(), totals.GetProperty("outOfPolicy").GetInt32()));
        Assert.Equal(2, totals.GetProperty("byMaterialCountry").GetProperty("AT").GetInt32());
        var german = overview.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == key);
        Assert.Equal(["DE"], german.GetProperty("allowedJurisdictions").EnumerateArray().Select(j => j.GetString()));
        var holder = Assert.Single(german.GetProperty("placements").EnumerateArray());
        Assert.Equal(($"node '{Environment.MachineName}' (holding the software keystore)", "material", "AT"),
            (holder.GetProperty("name").GetString(), holder.GetProperty("role").GetString(), holder.GetProperty("country").GetString()));
        Assert.EndsWith("is in AT", Assert.Single(german.GetProperty("violations").EnumerateArray()).GetString(), StringComparison.Ordinal);
        var recorded = Assert.Single(await EventsAsync(vienna.Root, "report.residency-overview"));
        Assert.Equal(64, recorded.GetProperty("documentSha256").GetString()!.Length);
    }

    [Fact]
    public async Task A_location_naming_a_provider_missing_from_the_register_stops_the_start()
    {
        await (await TestServer.StartInAsync(_dir, In("DE"), Ct)).StopAsync(); // the register now holds dev mode's entry

        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartInAsync(_dir,
            o => o with { Location = new Location { Country = "DE", Operator = "acme-colo" } }, Ct));

        Assert.Equal($"residency: the location of node '{Environment.MachineName}' names operator 'acme-colo', which is not in the legal register; "
            + "add it with 'custos register put' (or fix the location) before starting with this configuration", unknown.Message);
    }

    [Theory]
    [InlineData("Germany", "acme", "location.country 'Germany' is not an ISO 3166-1 alpha-2 country code such as DE (a bloc such as EU is not a place)")]
    [InlineData("DE", "Acme GmbH", "location.operator 'Acme GmbH' is not the id of a provider in the legal register (1-64 characters of a-z, 0-9 and '-')")]
    public async Task A_malformed_location_is_refused_before_anything_starts(string country, string op, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TestServer.StartInAsync(_dir, o => o with { Location = new Location { Country = country, Operator = op } }, Ct));

        Assert.Equal(expected, error.Message);
    }
}
