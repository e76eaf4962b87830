using System.Net;
using System.Text.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Policy;

/// <summary>Tokens, keys, policy activation (by two security officers) and audit reading for the access tests.</summary>
internal static class PolicyTestHelpers
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object? body) =>
        body is null ? ServerTest.PostAsync(client, path, (string?)null) : ServerTest.PostAsync(client, path, body);

    public static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, object body) => ServerTest.PatchAsync(client, path, body);

    public static Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK) => ServerTest.OkAsync(response, status);

    /// <summary>Asserts a 4xx problem with <paramref name="status"/> and returns its detail.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await OkAsync(response, status);
        return body.GetProperty("detail").GetString()!;
    }

    public static async Task<(string Id, string Secret)> CreateTokenAsync(HttpClient root, string name, string[] roles, string[]? groups = null)
    {
        using var response = await PostAsync(root, "/v1/tokens", new { name, roles, groups });
        var token = await OkAsync(response, HttpStatusCode.Created);
        return (token.GetProperty("id").GetString()!, token.GetProperty("token").GetString()!);
    }

    public static async Task<string> CreateKeyAsync(HttpClient client, string alias, string classification, object? tags = null)
    {
        using var response = await PostAsync(client, "/v1/keys", new { alias, classification, tags });
        return (await OkAsync(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public static async Task<byte[]> EncryptAsync(HttpClient client, string keyId)
    {
        using var response = await PostAsync(client, $"/v1/keys/{keyId}/encrypt", new { plaintext = "aGVsbG8=" });
        return (await OkAsync(response)).GetProperty("ciphertextBlob").GetBytesFromBase64();
    }

    /// <summary>Puts <paramref name="document"/> in force the only way there is: one security officer proposes, another approves.</summary>
    public static async Task<int> ActivateAsync(TestServer server, object document)
    {
        var (_, author) = await CreateTokenAsync(server.Root, "so-author-" + Guid.NewGuid().ToString("N")[..6], ["security-officer"]);
        var (_, approver) = await CreateTokenAsync(server.Root, "so-approver-" + Guid.NewGuid().ToString("N")[..6], ["security-officer"]);
        using var a = server.NewClient(author);
        using var b = server.NewClient(approver);
        // Every policy must let security officers administer (or nobody could change it again): add that rule.
        var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(document, JsonSerializerOptions.Web))!;
        node["rules"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "officers-administer",
            ["roles"] = new System.Text.Json.Nodes.JsonArray("security-officer"),
            ["operations"] = new System.Text.Json.Nodes.JsonArray("administer", "read-audit"),
        });
        using var proposed = await PostAsync(a, "/v1/policy", new { document = node, comment = "test policy" });
        var version = (await OkAsync(proposed, HttpStatusCode.Created)).GetProperty("version").GetInt32();
        using var approved = await PostAsync(b, $"/v1/policy/versions/{version}/approve", null);
        Assert.Equal("active", (await OkAsync(approved)).GetProperty("status").GetString());
        return version;
    }

    /// <summary>The audit events of one operation.</summary>
    public static async Task<List<JsonElement>> EventsAsync(HttpClient client, string operation)
    {
        using var response = await client.GetAsync($"/v1/audit/events?operation={operation}&limit=1000", Ct);
        var page = await OkAsync(response);
        return page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event")).ToList();
    }
}
