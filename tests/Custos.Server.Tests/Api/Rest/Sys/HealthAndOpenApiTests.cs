using System.Net;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Sys;

public sealed class HealthAndOpenApiTests : ServerTest
{
    [Fact]
    public async Task Health_is_200_with_version_when_unsealed()
    {
        var body = await OkAsync(await Server.Anonymous.GetAsync("/v1/health", Ct));

        Assert.True(body.GetProperty("initialized").GetBoolean());
        Assert.False(body.GetProperty("sealed").GetBoolean());
        Assert.Equal(ServerInfo.Version, body.GetProperty("version").GetString());
        Assert.True(body.GetProperty("devMode").GetBoolean());
        Assert.Equal(1, body.GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_main_paths()
    {
        var doc = await OkAsync(await Server.Anonymous.GetAsync("/openapi/v1.json", Ct));
        var paths = doc.GetProperty("paths");

        foreach (var path in new[] { "/v1/keys", "/v1/decrypt", "/v1/rewrap", "/v1/keys/{key}/rotate", "/v1/keys/{key}/encrypt", "/v1/health" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document has no {path}");
    }
}
