using System.Net;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Tokens;

public sealed class TokenEndpointsTests : ServerTest
{
    [Fact]
    public async Task Create_returns_the_secret_once_with_scopes_and_expiry()
    {
        var response = await PostAsync(Root, "/v1/tokens", new { name = "ci", scopes = new[] { "use", "read" }, ttlSeconds = 3600 });
        var token = await OkAsync(response, HttpStatusCode.Created);

        Assert.StartsWith("cst_", token.GetProperty("token").GetString());
        Assert.Equal("ci", token.GetProperty("name").GetString());
        Assert.Equal(["key-user", "reader"], token.GetProperty("roles").EnumerateArray().Select(s => s.GetString()!).ToArray());
        var created = token.GetProperty("createdAt").GetDateTimeOffset();
        var expires = token.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange((expires - created).TotalSeconds, 3599, 3601);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_token_with_allowed_networks_works_only_from_them()
    {
        var inside = await OkAsync(await PostAsync(Root, "/v1/tokens", new { name = "from-loopback", allowedNetworks = new[] { "127.0.0.0/8", "::1" } }), HttpStatusCode.Created);
        var outside = await OkAsync(await PostAsync(Root, "/v1/tokens", new { name = "from-office", allowedNetworks = new[] { "10.20.0.0/16" } }), HttpStatusCode.Created);
        Assert.Equal(["127.0.0.0/8", "::1/128"], inside.GetProperty("allowedNetworks").EnumerateArray().Select(n => n.GetString()!).ToArray());

        using var allowed = Server.NewClient(inside.GetProperty("token").GetString());
        using var refused = Server.NewClient(outside.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync("/v1/keys", Ct)).StatusCode);
        var denied = await refused.GetAsync("/v1/keys", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Contains("urn:custos:problem:unauthenticated", await denied.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var listed = (await OkAsync(await Root.GetAsync("/v1/tokens", Ct))).GetProperty("tokens").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "from-office");
        Assert.Equal("10.20.0.0/16", listed.GetProperty("allowedNetworks")[0].GetString());
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-a-network")]
    [InlineData("10.0.0.1/8")]
    public async Task A_bad_allowed_network_is_refused_and_no_token_is_made(string network)
    {
        var response = await PostAsync(Root, "/v1/tokens", new { name = "bad-net", allowedNetworks = new[] { network } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(network, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var tokens = (await OkAsync(await Root.GetAsync("/v1/tokens", Ct))).GetProperty("tokens").EnumerateArray();
        Assert.DoesNotContain(tokens, t => t.GetProperty("name").GetString() == "bad-net");
    }

    [Fact]
    public async Task List_never_shows_a_secret()
    {
        var created = await OkAsync(await PostAsync(Root, "/v1/tokens", new { name = "listed" }), HttpStatusCode.Created);
        var secret = created.GetProperty("token").GetString()!;

        var response = await Root.GetAsync("/v1/tokens", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var list = await OkAsync(response);

        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain(secret[4..], text);
        var tokens = list.GetProperty("tokens").EnumerateArray().ToList();
        Assert.Contains(tokens, t => t.GetProperty("name").GetString() == "listed");
        Assert.All(tokens, t => Assert.True(!t.TryGetProperty("token", out var secretField) || secretField.ValueKind == System.Text.Json.JsonValueKind.Null));
    }

    [Fact]
    public async Task Revoke_marks_the_token_and_it_stops_working()
    {
        var (client, token) = await TokenClientAsync("read");
        using var _c = client;
        var id = token.GetProperty("id").GetString();

        var revoked = await OkAsync(await PostAsync(Root, $"/v1/tokens/{id}/revoke", null));

        Assert.Equal(JsonValueKindString, revoked.GetProperty("revokedAt").ValueKind);
        await ProblemAsync(await client.GetAsync("/v1/keys", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
        var listed = (await OkAsync(await Root.GetAsync("/v1/tokens", Ct))).GetProperty("tokens").EnumerateArray()
            .Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKindString, listed.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Revoking_an_unknown_token_is_404()
    {
        await ProblemAsync(await PostAsync(Root, "/v1/tokens/nope/revoke", null), HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(59)]
    [InlineData(315_360_001)]
    public async Task Ttl_out_of_range_is_400(long ttlSeconds)
    {
        await ProblemAsync(await PostAsync(Root, "/v1/tokens", new { ttlSeconds }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Unknown_scope_is_400()
    {
        await ProblemAsync(await PostAsync(Root, "/v1/tokens", new { scopes = new[] { "superuser" } }), HttpStatusCode.BadRequest, "validation-failed");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindString = System.Text.Json.JsonValueKind.String;
}
