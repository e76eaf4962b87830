using System.Net;
using System.Text;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest;

/// <summary>Size limits: request bodies and encryption contexts.</summary>
public sealed class RequestLimitsTests : ServerTest
{
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
}
