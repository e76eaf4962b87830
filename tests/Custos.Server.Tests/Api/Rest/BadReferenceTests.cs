using System.Net;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest;

/// <summary>Bad key references and routes never give a 500: every case is a problem+json with a Custos problem type.</summary>
public sealed class BadReferenceTests : ServerTest
{
    /// <summary>method, path ({KEY} is a real key id), body (null: none), content type (null: none), status, problem code.</summary>
    public static TheoryData<string, string, string?, string?, int, string> Cases => new()
    {
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
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_reference_is_a_problem_never_a_500(string method, string path, string? body, string? contentType, int status, string code)
    {
        await ProblemAsync(await SendRawAsync(method, path, body, contentType), (HttpStatusCode)status, code);
    }
}
