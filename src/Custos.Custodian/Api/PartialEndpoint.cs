using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary><c>POST /v1/custodian/partial</c>: s_i·E with its proof (the 99-byte PartialDecryption), or a refusal naming why.</summary>
internal static class PartialEndpoint
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/partial", async (HttpContext http, PartialService partials) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.PartialRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await partials.ComputeAsync(CustodianApi.Server(http), body.Value!, http.RequestAborted), CustodianJson.Default.PartialResponse);
        });
}
