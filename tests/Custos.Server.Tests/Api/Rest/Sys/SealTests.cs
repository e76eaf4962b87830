using System.Net;
using System.Text.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Sys;

public sealed class SealTests : ServerTest
{
    [Fact]
    public async Task Dev_mode_writes_the_share_and_root_token_it_returns()
    {
        var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Server.Options.DataDir, "dev-unseal.json"), Ct)).RootElement;

        Assert.Equal(Server.Secrets.Share, file.GetProperty("share").GetString());
        Assert.Equal(Server.Secrets.RootToken, file.GetProperty("rootToken").GetString());
    }

    [Fact]
    public async Task Seal_stops_the_data_plane_until_unsealed()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1, 2, 3]);

        var sealedStatus = await OkAsync(await PostAsync(Root, "/v1/sys/seal", null));
        Assert.True(sealedStatus.GetProperty("sealed").GetBoolean());

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 } }), HttpStatusCode.ServiceUnavailable, "sealed");
        await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }), HttpStatusCode.ServiceUnavailable, "sealed");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", null), HttpStatusCode.ServiceUnavailable, "sealed");
        await ProblemAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob }), HttpStatusCode.ServiceUnavailable, "sealed");
        await ProblemAsync(await PostAsync(Root, "/v1/keys", new { }), HttpStatusCode.ServiceUnavailable, "sealed");
        var health = await Server.Anonymous.GetAsync("/v1/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var healthBody = await BodyAsync(health);
        Assert.True(healthBody.GetProperty("sealed").GetBoolean());
        Assert.True(healthBody.GetProperty("initialized").GetBoolean());

        var unsealed = await OkAsync(await PostAsync(Server.Anonymous, "/v1/sys/unseal", new { share = Server.Secrets.Share }));

        Assert.False(unsealed.GetProperty("sealed").GetBoolean());
        await OkAsync(await Server.Anonymous.GetAsync("/v1/health", Ct));
        var decrypted = await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }));
        Assert.Equal(new byte[] { 1, 2, 3 }, decrypted.GetProperty("plaintext").GetBytesFromBase64());
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 } }));
    }

    [Fact]
    public async Task Sealing_a_sealed_server_is_an_idempotent_no_op()
    {
        await OkAsync(await PostAsync(Root, "/v1/sys/seal", null));
        await OkAsync(await PostAsync(Root, "/v1/sys/seal", null));
        var health = await Server.Anonymous.GetAsync("/v1/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task Seal_needs_a_token()
    {
        await ProblemAsync(await PostAsync(Server.Anonymous, "/v1/sys/seal", null), HttpStatusCode.Unauthorized, "unauthenticated");
        await OkAsync(await Server.Anonymous.GetAsync("/v1/health", Ct));
    }

    [Theory]
    [InlineData("not-a-share")]
    [InlineData("cus1-0000")]
    public async Task A_bad_share_is_400_invalid_share(string share)
    {
        await OkAsync(await PostAsync(Root, "/v1/sys/seal", null));

        await ProblemAsync(await PostAsync(Server.Anonymous, "/v1/sys/unseal", new { share }), HttpStatusCode.BadRequest, "invalid-share");

        var health = await BodyAsync(await Server.Anonymous.GetAsync("/v1/health", Ct));
        Assert.True(health.GetProperty("sealed").GetBoolean());
        await OkAsync(await PostAsync(Server.Anonymous, "/v1/sys/unseal", new { share = Server.Secrets.Share }));
    }

    [Fact]
    public async Task A_share_of_another_server_is_400_invalid_share()
    {
        await using var other = await TestServer.StartAsync(Ct);
        await OkAsync(await PostAsync(Root, "/v1/sys/seal", null));

        var problem = await ProblemAsync(await PostAsync(Server.Anonymous, "/v1/sys/unseal", new { share = other.Secrets.Share }), HttpStatusCode.BadRequest, "invalid-share");

        Assert.DoesNotContain(other.Secrets.Share, problem.GetRawText());
    }

    [Fact]
    public async Task Init_again_is_409()
    {
        await ProblemAsync(await PostAsync(Server.Anonymous, "/v1/sys/init", new { shares = 3, threshold = 2 }), HttpStatusCode.Conflict, "already-initialized");
    }

    [Fact]
    public async Task Unseal_while_unsealed_reports_unsealed()
    {
        var status = await OkAsync(await PostAsync(Server.Anonymous, "/v1/sys/unseal", new { share = Server.Secrets.Share }));

        Assert.False(status.GetProperty("sealed").GetBoolean());
    }
}
