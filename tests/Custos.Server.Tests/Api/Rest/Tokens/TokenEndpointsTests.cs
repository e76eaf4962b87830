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
        Assert.Equal(["read", "use"], token.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        var created = token.GetProperty("createdAt").GetDateTimeOffset();
        var expires = token.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange((expires - created).TotalSeconds, 3599, 3601);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
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
