using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;
using Custos.Core.Threshold;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>
/// POST /v1/keys — creates a key (custody: the server's defaultCustody, software unless configured). A threshold key
/// names its split: <c>"custody": "threshold", "threshold": { "k": 2, "custodians": ["a","b","c"], "minJurisdictions": 2 }</c>.
/// </summary>
public static class CreateKey
{
    /// <summary>The request body.</summary>
    public sealed record Request(
        string? Alias = null, string? Description = null, string? Owner = null, string? Custody = null, string? Purpose = null,
        string? Classification = null, IReadOnlyList<string>? DataCategories = null, IReadOnlyList<string>? AllowedJurisdictions = null,
        int? RetentionDays = null, int? RotationPeriodDays = null, IReadOnlyDictionary<string, string>? Tags = null,
        ThresholdParameters? Threshold = null);

    /// <summary>For custody threshold: k of the named custodians, and fewest distinct jurisdictions among any k (default 1).</summary>
    public sealed record ThresholdParameters(int? K = null, IReadOnlyList<string>? Custodians = null, int? MinJurisdictions = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        keys.MapPost("", Handle).WithName("CreateKey").WithSummary("Create a key").Accepts<Request>("application/json")
            .Produces<KeyResponse>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(503);

    private static async Task<IResult> Handle(HttpContext http, KeyManagementService keys, Hosting.ServerOptions options, CancellationToken ct)
    {
        var read = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.CreateKeyRequest, ct);
        if (!read.IsSuccess) return ProblemMapper.ToResult(read.Error);
        var body = read.Value ?? new Request();
        var custody = KeyNames.Parse<KeyCustody>(body.Custody ?? options.DefaultCustody);
        if (custody is null) return Invalid($"unknown custody '{body.Custody}' (software, hsm, threshold, remote)");
        var purpose = KeyNames.Parse<KeyPurpose>(body.Purpose ?? "encrypt-decrypt");
        if (purpose is null) return Invalid($"unknown purpose '{body.Purpose}' (encrypt-decrypt)");
        var classification = KeyNames.Parse<Classification>(body.Classification ?? "confidential");
        if (classification is null) return Invalid($"unknown classification '{body.Classification}' (public, internal, confidential, restricted, secret)");
        var attributes = new KeyAttributes
        {
            Description = body.Description ?? "",
            Owner = body.Owner ?? http.Principal().Name,
            Classification = classification.Value,
            DataCategories = body.DataCategories ?? [],
            AllowedJurisdictions = body.AllowedJurisdictions ?? [],
            RetentionDays = body.RetentionDays,
            RotationPeriodDays = body.RotationPeriodDays,
            Tags = body.Tags ?? new Dictionary<string, string>(),
        };
        ThresholdSpec? threshold = null;
        if (body.Threshold is { } t)
        {
            if (t.K is not { } k) return Invalid("threshold.k (how many custodians it takes to unwrap) is required");
            if (t.Custodians is not { Count: > 0 } names || names.Any(n => n is null)) return Invalid("threshold.custodians names the custodians to hold shares");
            threshold = new ThresholdSpec(k, names, t.MinJurisdictions ?? 1);
        }
        var result = await keys.CreateAsync(http.Principal(),
            new CreateKeyCommand(body.Alias, custody.Value, purpose.Value, KeySpec.Aes256Gcm, attributes, threshold), ct);
        return result.IsSuccess
            ? Results.Created($"/v1/keys/{result.Value.Id}", KeyResponse.From(result.Value))
            : ProblemMapper.ToResult(result.Error);
    }

    private static IResult Invalid(string message) => ProblemMapper.Problem(ErrorCode.ValidationFailed, message);
}
