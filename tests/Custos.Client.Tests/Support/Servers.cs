using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Server.Tests.Support;

namespace Custos.Client.Tests.Support;

/// <summary>Helpers for tests against a real <see cref="TestServer"/>: SDK clients, keys, key states and policy activation.</summary>
internal static class Servers
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An SDK client with the root token that trusts the server's dev CA (from the CA file, as an application would).</summary>
    public static CustosClient Client(TestServer server, int retries = 0) => new(new CustosClientOptions
    {
        Address = server.BaseAddress,
        Token = server.Secrets.RootToken,
        CaCertificateFile = Path.Combine(server.TlsDir, "ca.pem"),
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>Creates a key and returns its id.</summary>
    public static async Task<string> CreateKeyAsync(TestServer server, string alias, string? classification = null)
    {
        using var response = await server.Root.PostAsJsonAsync("/v1/keys", new { alias, classification }, JsonSerializerOptions.Web, Ct);
        var body = await OkAsync(response, HttpStatusCode.Created);
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>POST /v1/keys/{id}/{action} (disable, enable, rotate).</summary>
    public static async Task KeyActionAsync(TestServer server, string id, string action)
    {
        using var response = await server.Root.PostAsync($"/v1/keys/{id}/{action}", null, Ct);
        await OkAsync(response, HttpStatusCode.OK);
    }

    /// <summary>
    /// Puts a policy in force (one security officer proposes, another approves) whose rules let root do everything,
    /// with <paramref name="dataKeyCaching"/> as its caching section.
    /// </summary>
    public static async Task ActivatePolicyAsync(TestServer server, object dataKeyCaching)
    {
        var document = new JsonObject
        {
            ["rules"] = new JsonArray(
                new JsonObject { ["id"] = "root-all", ["roles"] = new JsonArray("root"), ["operations"] = new JsonArray("*") },
                new JsonObject { ["id"] = "officers", ["roles"] = new JsonArray("security-officer"), ["operations"] = new JsonArray("administer", "read-audit") }),
            ["dataKeyCaching"] = JsonSerializer.SerializeToNode(dataKeyCaching, JsonSerializerOptions.Web),
        };
        var author = await OfficerAsync(server, "so-author");
        var approver = await OfficerAsync(server, "so-approver");
        using var a = server.NewClient(author);
        using var b = server.NewClient(approver);
        using var proposed = await a.PostAsJsonAsync("/v1/policy", new { document, comment = "caching test" }, JsonSerializerOptions.Web, Ct);
        int version = (await OkAsync(proposed, HttpStatusCode.Created)).GetProperty("version").GetInt32();
        using var approved = await b.PostAsync($"/v1/policy/versions/{version}/approve", null, Ct);
        Assert.Equal("active", (await OkAsync(approved, HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    private static async Task<string> OfficerAsync(TestServer server, string name)
    {
        using var response = await server.Root.PostAsJsonAsync("/v1/tokens", new { name, roles = new[] { "security-officer" } }, JsonSerializerOptions.Web, Ct);
        return (await OkAsync(response, HttpStatusCode.Created)).GetProperty("token").GetString()!;
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
