using System.Net;
using System.Text;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest;

/// <summary>Bad request bodies never give a 500: every case is a problem+json with a Custos problem type.</summary>
public sealed class BadInputTests : ServerTest
{
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
        // init when initialised
        { "POST", "/v1/sys/init", "{\"shares\": 1, \"threshold\": 1}", "application/json", 409, "already-initialized" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_never_a_500(string method, string path, string? body, string? contentType, int status, string code)
    {
        await ProblemAsync(await SendRawAsync(method, path, body, contentType), (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Json_errors_do_not_echo_input()
    {
        var problem = await ProblemAsync(await PostAsync(Root, "/v1/keys", "{\"alias\": \"secret-value-xyz\", \"bogus\": \"other-secret\"}"), HttpStatusCode.BadRequest, "validation-failed");

        Assert.DoesNotContain("secret-value-xyz", problem.GetRawText());
        Assert.DoesNotContain("other-secret", problem.GetRawText());
    }
}
