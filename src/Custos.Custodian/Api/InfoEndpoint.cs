using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary><c>GET /v1/custodian/info</c>: name, declared location, DKG encryption public key (SPKI).</summary>
internal static class InfoEndpoint
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/info", (CustodianIdentity me, CustodianOptions options) =>
            Results.Json(new CustodianInfoResponse(me.Name, options.Location, me.DkgKey.PublicKey.ToSpki()), CustodianJson.Default.CustodianInfoResponse));
}
