using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Core.Errors;
using Custos.Core.Residency;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Register;

/// <summary>
/// The legal register: GET /v1/register/providers, GET /v1/register/providers/{id} (security officers and
/// auditors), PUT /v1/register/providers/{id} (create or replace; 409 when it would strand a key) and DELETE
/// /v1/register/providers/{id} (409 while a location of this node names it). Thin translators over <see cref="RegisterService"/>.
/// </summary>
public static class ProviderEndpoints
{
    /// <summary>An entry: the provider document (see docs/residency.md), when and by whom it was last put, and what on this node it operates.</summary>
    public sealed record ProviderResponse(string Id, JsonElement Provider, DateTimeOffset UpdatedAt, string UpdatedBy, IReadOnlyList<string> UsedBy);

    /// <summary>Every entry.</summary>
    public sealed record ProviderListResponse(IReadOnlyList<ProviderResponse> Providers);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder providers)
    {
        providers.MapGet("", async (HttpContext http, RegisterService s, CancellationToken ct) =>
            (await s.ListAsync(http.Principal(), ct)).ToHttp(list => new ProviderListResponse(list.Select(e => From(e, s)).ToList())))
            .WithName("ListProviders").WithSummary("Every provider in the legal register").Produces<ProviderListResponse>().ProducesProblem(403);
        providers.MapGet("/{id}", async (string id, HttpContext http, RegisterService s, CancellationToken ct) =>
            (await s.GetAsync(http.Principal(), id, ct)).ToHttp(e => From(e, s)))
            .WithName("GetProvider").WithSummary("One provider of the legal register").Produces<ProviderResponse>().ProducesProblem(404);
        providers.MapPut("/{id}", Put).WithName("PutProvider").WithSummary("Create or replace a provider (refused when it would put a key out of residency policy)")
            .Accepts<JsonElement>("application/json").Produces<ProviderResponse>().Produces<ProviderResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        providers.MapDelete("/{id}", Delete).WithName("DeleteProvider").WithSummary("Delete a provider no location of this node names")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<IResult> Put(string id, HttpContext http, RegisterService s, CancellationToken ct)
    {
        byte[] json;
        try
        {
            // An entry without "id" takes the one in the path; one with another id is refused by the service.
            var node = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct);
            if (node is not JsonObject entry) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "send the provider as a JSON object (see docs/residency.md)");
            if (!entry.ContainsKey("id")) entry["id"] = id;
            json = JsonSerializer.SerializeToUtf8Bytes(entry, ApiJsonContext.Default.JsonObject);
        }
        catch (JsonException e)
        {
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "request body is not valid JSON: " + JsonErrors.Describe(e));
        }
        var result = await s.PutAsync(http.Principal(), id, json, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        var (entryStored, created) = result.Value;
        var response = From(entryStored, s);
        return created
            ? Results.Json(response, ApiJsonContext.Default.ProviderResponse, statusCode: StatusCodes.Status201Created)
            : Results.Json(response, ApiJsonContext.Default.ProviderResponse);
    }

    private static async Task<IResult> Delete(string id, HttpContext http, RegisterService s, CancellationToken ct)
    {
        var result = await s.DeleteAsync(http.Principal(), id, ct);
        return result.IsSuccess ? Results.NoContent() : ProblemMapper.ToResult(result.Error);
    }

    private static ProviderResponse From(RegisteredProvider e, RegisterService s) =>
        new(e.Provider.Id, JsonDocument.Parse(e.Provider.ToCanonicalJson()).RootElement.Clone(), e.UpdatedAt, e.UpdatedBy, s.UsedBy(e.Provider.Id));
}
