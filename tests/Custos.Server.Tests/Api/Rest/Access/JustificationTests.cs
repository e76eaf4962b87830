using System.Net;
using System.Text.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Access;

/// <summary>The Custos-Justification header: recorded (code and text) in the request's audit event; an invalid one is 400 and recorded too.</summary>
public sealed class JustificationTests : ServerTest
{
    protected override bool AuditLog => true;

    private async Task<JsonElement> LastEventAsync(string operation)
    {
        var page = await OkAsync(await Root.GetAsync($"/v1/audit/events?operation={operation}&limit=1000", Ct));
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        return events[^1].GetProperty("event");
    }

    private static HttpRequestMessage Post(string path, object body, string? justification)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Json(body), System.Text.Encoding.UTF8, "application/json") };
        if (justification is not null) request.Headers.TryAddWithoutValidation("Custos-Justification", justification);
        return request;
    }

    [Fact]
    public async Task A_decrypt_with_a_justification_records_its_code_and_text()
    {
        var key = await CreateKeyIdAsync();
        var blob = await EncryptAsync(key, [1, 2, 3]);
        using var request = Post("/v1/decrypt", new { ciphertextBlob = blob }, "customer-initiated-support; Case 4711");
        await OkAsync(await Root.SendAsync(request, Ct));

        var e = await LastEventAsync("data.decrypt");
        Assert.Equal("allowed", e.GetProperty("outcome").GetString());
        Assert.Equal(key, e.GetProperty("keyId").GetString());
        Assert.Equal("customer-initiated-support", e.GetProperty("justification").GetString());
        Assert.Equal("Case 4711", e.GetProperty("justificationText").GetString());
    }

    [Fact]
    public async Task A_request_without_a_justification_records_none()
    {
        var key = await CreateKeyIdAsync();
        await EncryptAsync(key, [1]);
        var e = await LastEventAsync("data.encrypt");
        Assert.False(e.TryGetProperty("justification", out _));
        Assert.False(e.TryGetProperty("justificationText", out _));
    }

    [Fact]
    public async Task An_unknown_code_is_400_listing_the_codes_and_is_recorded_as_a_failed_request_of_the_caller()
    {
        var key = await CreateKeyIdAsync();
        var (client, token) = await TokenClientAsync("key-user");
        using var request = Post($"/v1/keys/{key}/encrypt", new { plaintext = new byte[] { 1 } }, "curiosity; just looking");
        var problem = await ProblemAsync(await client.SendAsync(request, Ct), HttpStatusCode.BadRequest, "validation-failed");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("'curiosity' is not a published justification code", detail, StringComparison.Ordinal);
        Assert.Contains("customer-initiated-access", detail, StringComparison.Ordinal);
        Assert.Contains("emergency", detail, StringComparison.Ordinal);

        var e = await LastEventAsync("http.post");
        Assert.Equal("failed", e.GetProperty("outcome").GetString());
        Assert.Equal("validation-failed", e.GetProperty("errorCode").GetString());
        Assert.Equal("token:" + token.GetProperty("id").GetString(), e.GetProperty("principal").GetString());
        Assert.False(e.TryGetProperty("justification", out _));
        var encrypts = await OkAsync(await Root.GetAsync("/v1/audit/events?operation=data.encrypt", Ct));
        Assert.Empty(encrypts.GetProperty("events").EnumerateArray()); // the core never saw it
    }

    [Fact]
    public async Task Too_long_a_text_is_400()
    {
        var key = await CreateKeyIdAsync();
        using var request = Post($"/v1/keys/{key}/encrypt", new { plaintext = new byte[] { 1 } }, "emergency; " + new string('x', 300));
        var problem = await ProblemAsync(await Root.SendAsync(request, Ct), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("at most 256", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_published_codes_are_listed_for_any_authenticated_caller()
    {
        var (reader, _) = await TokenClientAsync("reader");
        var body = await OkAsync(await reader.GetAsync("/v1/justifications", Ct));
        var codes = body.GetProperty("justifications").EnumerateArray()
            .Select(j => (j.GetProperty("code").GetString()!, j.GetProperty("description").GetString()!)).ToList();
        Assert.Equal(Core.Access.Justification.Codes.Select(c => (c.Code, c.Description)), codes);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Anonymous.GetAsync("/v1/justifications", Ct)).StatusCode);
    }
}
