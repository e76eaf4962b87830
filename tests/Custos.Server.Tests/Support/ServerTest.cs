using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Custos.Server.Hosting;

namespace Custos.Server.Tests.Support;

/// <summary>
/// Base of the HTTP tests: xUnit makes one instance per test, so every test gets its own freshly started
/// <see cref="TestServer"/> (own port, folder and database) and nothing is shared between tests.
/// </summary>
public abstract class ServerTest : IAsyncLifetime
{
    private TestServer? _server;

    /// <summary>The server of this test.</summary>
    protected TestServer Server => _server ?? throw new InvalidOperationException("server not started");

    /// <summary>A client with the root token.</summary>
    protected HttpClient Root => Server.Root;

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Whether this test's server keeps the audit log (off unless a test class asks for it).</summary>
    protected virtual bool AuditLog => false;

    /// <summary>Changes a test class makes to its servers' options before they start (for example rate limits).</summary>
    protected virtual ServerOptions Configure(ServerOptions options) => options;

    /// <summary>Services a test class adds to its servers (an in-process <c>IThresholdCustodians</c>); none by default.</summary>
    protected virtual Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services => null;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(o => Configure(o with { AuditLog = AuditLog }), Services, Ct);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Serializes an object as camelCase JSON.</summary>
    internal static string Json(object body) => JsonSerializer.Serialize(body, JsonSerializerOptions.Web);

    /// <summary>POST with a JSON body (or none when <paramref name="json"/> is null).</summary>
    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? json = "{}") =>
        client.PostAsync(path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    /// <summary>POST an object as JSON.</summary>
    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body) => PostAsync(client, path, Json(body));

    /// <summary>PATCH an object as JSON.</summary>
    internal static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, object body) =>
        client.PatchAsync(path, new StringContent(Json(body), Encoding.UTF8, "application/json"), Ct);

    /// <summary>The response's JSON body.</summary>
    protected static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    /// <summary>Asserts a status and returns the JSON body.</summary>
    internal static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and Custos problem code; returns its body.</summary>
    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        var type = body.GetProperty("type").GetString()!;
        Assert.StartsWith("urn:custos:problem:", type);
        if (code is not null) Assert.Equal("urn:custos:problem:" + code, type);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        return body;
    }

    /// <summary>Creates a key (optionally with an alias) and returns its body.</summary>
    protected async Task<JsonElement> CreateKeyAsync(string? alias = null, HttpClient? client = null) =>
        await OkAsync(await PostAsync(client ?? Root, "/v1/keys", alias is null ? new { } : new { alias }), HttpStatusCode.Created);

    /// <summary>Creates a key and returns its id.</summary>
    protected async Task<string> CreateKeyIdAsync(string? alias = null) => (await CreateKeyAsync(alias)).GetProperty("id").GetString()!;

    /// <summary>Creates a token with <paramref name="scopes"/> and returns a client using it and the token's record.</summary>
    protected async Task<(HttpClient Client, JsonElement Token)> TokenClientAsync(params string[] scopes)
    {
        var token = await OkAsync(await PostAsync(Root, "/v1/tokens", new { name = "test", scopes }), HttpStatusCode.Created);
        return (Server.NewClient(token.GetProperty("token").GetString()), token);
    }

    /// <summary>Encrypts and returns the blob.</summary>
    protected async Task<byte[]> EncryptAsync(string key, byte[] plaintext, object? context = null) =>
        (await OkAsync(await PostAsync(Root, $"/v1/keys/{key}/encrypt", new { plaintext, encryptionContext = context })))
            .GetProperty("ciphertextBlob").GetBytesFromBase64();

    /// <summary>
    /// Sends raw bytes: <paramref name="path"/> may hold "{KEY}" (replaced by a fresh key's id),
    /// <paramref name="body"/> null sends none, <paramref name="contentType"/> null sends no Content-Type.
    /// </summary>
    protected async Task<HttpResponseMessage> SendRawAsync(string method, string path, string? body, string? contentType)
    {
        if (path.Contains("{KEY}", StringComparison.Ordinal)) path = path.Replace("{KEY}", await CreateKeyIdAsync(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return await Root.SendAsync(request, Ct);
    }
}
