using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary>
/// Key generation and resharing rounds: <c>POST /rounds</c> (open and deal), <c>POST /rounds/{id}/receive</c>,
/// <c>…/answer</c>, <c>…/finish</c>, <c>DELETE /rounds/{id}</c> (abort).
/// </summary>
internal static class RoundEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/rounds", async (HttpContext http, RoundService rounds) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.OpenRoundRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await rounds.OpenAsync(CustodianApi.Server(http).Name, body.Value!, http.RequestAborted), CustodianJson.Default.OpenRoundResponse);
        });
        group.MapPost("/rounds/{id}/receive", async (string id, HttpContext http, RoundService rounds) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.ReceiveRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await rounds.ReceiveAsync(CustodianApi.Server(http).Name, id, body.Value!, http.RequestAborted), CustodianJson.Default.ReceiveResponse);
        });
        group.MapPost("/rounds/{id}/answer", async (string id, HttpContext http, RoundService rounds) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.AnswerRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await rounds.AnswerAsync(CustodianApi.Server(http).Name, id, body.Value!, http.RequestAborted), CustodianJson.Default.AnswerResponse);
        });
        group.MapPost("/rounds/{id}/finish", async (string id, HttpContext http, RoundService rounds) =>
        {
            var body = await CustodianApi.ReadAsync(http.Request, CustodianJson.Default.FinishRequest);
            if (body.Refusal is { } bad) return CustodianApi.Problem(bad);
            return CustodianApi.Answer(await rounds.FinishAsync(CustodianApi.Server(http).Name, id, body.Value!, http.RequestAborted), CustodianJson.Default.FinishResponse);
        });
        group.MapDelete("/rounds/{id}", async (string id, HttpContext http, RoundService rounds) =>
            CustodianApi.Answer(await rounds.AbortAsync(CustodianApi.Server(http).Name, id, http.RequestAborted), CustodianJson.Default.CommitResponse));
    }
}
