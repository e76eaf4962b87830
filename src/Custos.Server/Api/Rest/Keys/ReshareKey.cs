using Custos.Core.Errors;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>
/// POST /v1/keys/{key}/versions/{version}/reshare — reshares one version of a threshold key to the same or other custodians
/// and threshold, keeping its public key: <c>{ "k": 2, "custodians": ["a","b","d"], "minJurisdictions": 2 }</c>, every field
/// optional (omitted: kept). Policy operation <c>reshare</c>; quorum approvals apply as for other key changes (the first
/// request answers 403 approval-required naming the approval request). Answers with the key after the change.
/// </summary>
public static class ReshareKey
{
    /// <summary>The request body.</summary>
    public sealed record Request(int? K = null, IReadOnlyList<string>? Custodians = null, int? MinJurisdictions = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        KeyRoute.Map(keys, "POST", "/versions/{version}/reshare", Handle).Configure(b => b
            .WithSummary("Reshare a threshold key version to the same or other custodians; its public key does not change")
            .Accepts<Request>("application/json")
            .Produces<KeyResponse>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(503));

    private static async Task<IResult> Handle(KeyRoute key, string version, HttpContext http, KeyManagementService keys, CancellationToken ct)
    {
        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "the version is a positive integer");
        var read = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.ReshareKeyRequest, ct);
        if (!read.IsSuccess) return ProblemMapper.ToResult(read.Error);
        var body = read.Value ?? new Request();
        if (body.Custodians is { } names && (names.Count == 0 || names.Any(n => n is null)))
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "custodians names the custodians to hold the new shares (omit it to keep them)");
        var result = await keys.ReshareAsync(http.Principal(), key.Reference, number, new ReshareCommand(body.K, body.Custodians, body.MinJurisdictions), ct);
        return result.ToHttp(KeyResponse.From);
    }
}
