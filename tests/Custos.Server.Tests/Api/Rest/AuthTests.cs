using System.Net;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest;

public sealed class AuthTests : ServerTest
{
    [Fact]
    public async Task No_token_is_401_unauthenticated_problem()
    {
        var response = await Server.Anonymous.GetAsync("/v1/keys", Ct);

        await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("cst_notarealtoken")]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task Wrong_token_is_401(string token)
    {
        using var client = Server.NewClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        await ProblemAsync(await client.SendAsync(request, Ct), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Not_a_bearer_scheme_is_401()
    {
        using var client = Server.NewClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        await ProblemAsync(await client.SendAsync(request, Ct), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Read_scope_can_get_keys_but_not_encrypt()
    {
        var id = await CreateKeyIdAsync("readable");
        var (reader, _) = await TokenClientAsync("read");
        using var _c = reader;

        await OkAsync(await reader.GetAsync("/v1/keys", Ct));
        await OkAsync(await reader.GetAsync($"/v1/keys/{id}", Ct));
        await OkAsync(await reader.GetAsync("/v1/keys/alias/readable", Ct));
        await ProblemAsync(await PostAsync(reader, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 } }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await PostAsync(reader, "/v1/keys", new { }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await reader.GetAsync("/v1/tokens", Ct), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Use_scope_can_encrypt_but_not_create_keys()
    {
        var id = await CreateKeyIdAsync();
        var (user, _) = await TokenClientAsync("use");
        using var _c = user;

        await OkAsync(await PostAsync(user, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 } }));
        await ProblemAsync(await PostAsync(user, "/v1/keys", new { }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await PostAsync(user, "/v1/sys/seal", null), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Revoked_token_is_401_at_once()
    {
        var (client, token) = await TokenClientAsync("read");
        using var _c = client;
        await OkAsync(await client.GetAsync("/v1/keys", Ct));

        await OkAsync(await PostAsync(Root, $"/v1/tokens/{token.GetProperty("id").GetString()}/revoke", null));

        await ProblemAsync(await client.GetAsync("/v1/keys", Ct), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Anonymous_endpoints_need_no_token()
    {
        await OkAsync(await Server.Anonymous.GetAsync("/v1/health", Ct));
        await OkAsync(await Server.Anonymous.GetAsync("/openapi/v1.json", Ct));
    }
}
