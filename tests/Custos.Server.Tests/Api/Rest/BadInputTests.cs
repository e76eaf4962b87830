using System.Net;
using System.Text;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest;

/// <summary>Bad input never gives a 500: every case is a problem+json with a Custos problem type.</summary>
public sealed class BadInputTests : ServerTest
{
    private const string KeyPlaceholder = "{KEY}";

    /// <summary>method, path ({KEY} is a real key id), body (null: none), content type (null: none), status, problem code.</summary>
    public static TheoryData<string, string, string?, string?, int, string> Cases => new()
    {
        // malformed JSON
        { "POST", "/v1/keys", "{", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\",}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/decrypt", "not json at all", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys", "[]", "application/json", 400, "validation-failed" },
        { "POST", "/v1/decrypt", "null", "application/json", 400, "validation-failed" },
        // wrong types
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": 5}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys", "{\"alias\": 5}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/schedule-destruction", "{\"pendingDays\": \"seven\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/generate-data-key", "{\"numberOfBytes\": 1.5}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\", \"encryptionContext\": {\"a\": 1}}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\", \"encryptionContext\": [\"a\"]}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\", \"encryptionContext\": {\"a\": null}}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/sys/init", "{\"shares\": \"x\", \"threshold\": 1}", "application/json", 400, "validation-failed" },
        // unknown fields
        { "POST", "/v1/keys", "{\"aliass\": \"x\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\", \"keyId\": \"x\"}", "application/json", 400, "validation-failed" },
        { "PATCH", "/v1/keys/{KEY}", "{\"state\": \"disabled\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/tokens", "{\"scope\": [\"admin\"]}", "application/json", 400, "validation-failed" },
        // missing or wrong Content-Type
        { "POST", "/v1/keys", "{}", null, 415, "unsupported-media-type" },
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"AQ==\"}", "text/plain", 415, "unsupported-media-type" },
        { "POST", "/v1/decrypt", "{\"ciphertextBlob\": \"AQ==\"}", "application/x-www-form-urlencoded", 415, "unsupported-media-type" },
        // empty body where one is required
        { "POST", "/v1/decrypt", null, null, 400, "validation-failed" },
        { "POST", "/v1/decrypt", "{}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/rewrap", "{}", "application/json", 400, "validation-failed" },
        { "PATCH", "/v1/keys/{KEY}", null, null, 400, "validation-failed" },
        { "POST", "/v1/sys/unseal", "{}", "application/json", 400, "validation-failed" },
        // base64 garbage
        { "POST", "/v1/keys/{KEY}/encrypt", "{\"plaintext\": \"!!!not base64!!!\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/decrypt", "{\"ciphertextBlob\": \"AQ=\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/decrypt", "{\"ciphertextBlob\": \"QUFBQUFB\"}", "application/json", 400, "invalid-ciphertext" },
        // invalid alias, invalid key id, unknown key
        { "POST", "/v1/keys", "{\"alias\": \"has space\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys", "{\"alias\": \"" + new string('a', 129) + "\"}", "application/json", 400, "validation-failed" },
        { "GET", "/v1/keys/alias/bad%21alias", null, null, 400, "validation-failed" },
        { "GET", "/v1/keys/not-a-key-id", null, null, 400, "validation-failed" },
        { "GET", "/v1/keys/0198F3C2-0000-7000-8000-000000000000", null, null, 400, "validation-failed" },
        { "GET", "/v1/keys/0198f3c2-0000-7000-8000-000000000000", null, null, 404, "not-found" },
        { "GET", "/v1/keys/alias/nobody", null, null, 404, "not-found" },
        { "POST", "/v1/keys/0198f3c2-0000-7000-8000-000000000000/encrypt", "{\"plaintext\": \"AQ==\"}", "application/json", 404, "not-found" },
        { "POST", "/v1/keys", "{\"custody\": \"quantum\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/keys", "{\"classification\": \"ultra\"}", "application/json", 400, "validation-failed" },
        { "POST", "/v1/rewrap", "{\"ciphertextBlob\": \"QUFBQUFB\", \"destinationKey\": \"bad key\"}", "application/json", 400, "invalid-ciphertext" },
        // unknown routes and methods
        { "GET", "/v1/nothing-here", null, null, 404, "no-such-endpoint" },
        { "GET", "/", null, null, 404, "no-such-endpoint" },
        { "POST", "/v1/keys/{KEY}/explode", "{}", "application/json", 404, "no-such-endpoint" },
        { "DELETE", "/v1/keys/{KEY}", null, null, 405, "method-not-allowed" },
        { "GET", "/v1/decrypt", null, null, 405, "method-not-allowed" },
        // init when initialised
        { "POST", "/v1/sys/init", "{\"shares\": 1, \"threshold\": 1}", "application/json", 409, "already-initialized" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_never_a_500(string method, string path, string? body, string? contentType, int status, string code)
    {
        if (path.Contains(KeyPlaceholder, StringComparison.Ordinal)) path = path.Replace(KeyPlaceholder, await CreateKeyIdAsync(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        await ProblemAsync(await Root.SendAsync(request, Ct), (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Body_over_64_KiB_is_413_problem()
    {
        var id = await CreateKeyIdAsync();
        var json = "{\"plaintext\": \"" + Convert.ToBase64String(new byte[70 * 1024]) + "\"}";

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", json), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Chunked_body_over_64_KiB_is_413_problem()
    {
        var id = await CreateKeyIdAsync();
        var json = Encoding.UTF8.GetBytes("{\"plaintext\": \"" + Convert.ToBase64String(new byte[70 * 1024]) + "\"}");
        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/keys/{id}/encrypt") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await ProblemAsync(await Root.SendAsync(request, Ct), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Encryption_context_with_65_pairs_is_400()
    {
        var id = await CreateKeyIdAsync();
        var context = Enumerable.Range(0, 65).ToDictionary(i => "k" + i, i => "v");

        var problem = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 }, encryptionContext = context }), HttpStatusCode.BadRequest, "validation-failed");

        Assert.Contains("64", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Encryption_context_with_64_pairs_is_fine()
    {
        var id = await CreateKeyIdAsync();
        var context = Enumerable.Range(0, 64).ToDictionary(i => "k" + i, i => "v");

        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 }, encryptionContext = context }));
    }

    [Theory]
    [InlineData(300, 1)]
    [InlineData(1, 1025)]
    [InlineData(0, 1)]
    public async Task Encryption_context_key_or_value_over_limits_is_400(int keyBytes, int valueBytes)
    {
        var id = await CreateKeyIdAsync();
        var context = new Dictionary<string, string> { [new string('k', keyBytes)] = new string('v', valueBytes) };

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 }, encryptionContext = context }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", new { encryptionContext = context }), HttpStatusCode.BadRequest, "validation-failed");
        await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = new byte[] { 1 }, encryptionContext = context }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Duplicate_context_key_is_400()
    {
        var id = await CreateKeyIdAsync();

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", "{\"plaintext\":\"AQ==\",\"encryptionContext\":{\"a\":\"1\",\"a\":\"2\"}}"), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Json_errors_do_not_echo_input()
    {
        var problem = await ProblemAsync(await PostAsync(Root, "/v1/keys", "{\"alias\": \"secret-value-xyz\", \"bogus\": \"other-secret\"}"), HttpStatusCode.BadRequest, "validation-failed");

        Assert.DoesNotContain("secret-value-xyz", problem.GetRawText());
        Assert.DoesNotContain("other-secret", problem.GetRawText());
    }
}
