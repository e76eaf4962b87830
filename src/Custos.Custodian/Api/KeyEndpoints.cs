using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary>
/// Stored shares of a key version: <c>POST /keys/{keyId}/versions/{v}/commit</c> (activate a group, delete the
/// others), <c>…/abort</c> (drop a pending group), <c>DELETE /keys/{keyId}/versions/{v}</c> (destroy).
/// </summary>
internal static class KeyEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/keys/{keyId}/versions/{version:int}/commit", async (string keyId, int version, HttpContext http, ShareLifecycle shares) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.GroupRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await shares.CommitAsync(CustodianApi.Server(http).Name, keyId, version, body.Value!, http.RequestAborted), CustodianJson.Default.CommitResponse);
        });
        group.MapPost("/keys/{keyId}/versions/{version:int}/abort", async (string keyId, int version, HttpContext http, ShareLifecycle shares) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.GroupRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await shares.AbortAsync(CustodianApi.Server(http).Name, keyId, version, body.Value!, http.RequestAborted), CustodianJson.Default.CommitResponse);
        });
        group.MapDelete("/keys/{keyId}/versions/{version:int}", async (string keyId, int version, HttpContext http, ShareLifecycle shares) =>
            CustodianApi.Answer(await shares.DestroyAsync(CustodianApi.Server(http).Name, keyId, version, http.RequestAborted), CustodianJson.Default.DestroyResponse));
    }
}
