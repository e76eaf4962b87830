using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>PATCH /v1/keys/{key} — edits alias and inventory attributes; absent fields stay as they are.</summary>
public static class UpdateKey
{
    /// <summary>The request body; alias "" removes the alias, retentionDays/rotationPeriodDays 0 clear them.</summary>
    public sealed record Request(
        string? Alias = null, string? Description = null, string? Owner = null, string? Classification = null,
        IReadOnlyList<string>? DataCategories = null, IReadOnlyList<string>? AllowedJurisdictions = null,
        int? RetentionDays = null, int? RotationPeriodDays = null, IReadOnlyDictionary<string, string>? Tags = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        KeyRoute.Map(keys, "PATCH", "", Handle).Configure(b => b.WithSummary("Edit a key").Accepts<Request>("application/json")
            .Produces<KeyResponse>().ProducesProblem(400).ProducesProblem(404));

    private static async Task<IResult> Handle(KeyRoute key, HttpContext http, KeyManagementService keys, CancellationToken ct)
    {
        var read = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.UpdateKeyRequest, ct);
        if (!read.IsSuccess) return ProblemMapper.ToResult(read.Error);
        if (read.Value is not { } body) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "a JSON body with the fields to change is required");
        Classification? classification = null;
        if (body.Classification is not null)
        {
            classification = KeyNames.Parse<Classification>(body.Classification);
            if (classification is null) return ProblemMapper.Problem(ErrorCode.ValidationFailed, $"unknown classification '{body.Classification}'");
        }
        var update = new KeyUpdate
        {
            Alias = body.Alias, Description = body.Description, Owner = body.Owner, Classification = classification,
            DataCategories = body.DataCategories, AllowedJurisdictions = body.AllowedJurisdictions,
            RetentionDays = body.RetentionDays, RotationPeriodDays = body.RotationPeriodDays, Tags = body.Tags,
        };
        return (await keys.UpdateAsync(http.Principal(), key.Reference, update, ct)).ToHttp(KeyResponse.From);
    }
}
