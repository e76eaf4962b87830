using Custos.Core.Reports;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Reports;

/// <summary>
/// GET /v1/reports/residency?key=K — the residency evidence report of one key (<see cref="ResidencyReport"/>), for security
/// officers and auditors. Refusals are problem+json; a report is streamed as it is written, its events proven one by one.
/// A thin translator over <see cref="ResidencyReportService"/>.
/// </summary>
public static class ResidencyReportEndpoint
{
    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder reports) =>
        reports.MapGet("/residency", async (HttpContext http, ResidencyReportService reports, CancellationToken ct, string? key = null) =>
        {
            var prepared = await reports.PrepareAsync(http.Principal(), key, ct);
            if (!prepared.IsSuccess) return ProblemMapper.ToResult(prepared.Error);
            var report = prepared.Value;
            return Results.Stream(body => report.WriteAsync(body, ct), "application/json");
        })
        .WithName("GetResidencyReport")
        .WithSummary("The residency evidence report of a key: where its versions lived, who could compel their operators, every access; each fact with its audit proof (verify with 'custos report verify')")
        .Produces(StatusCodes.Status200OK, contentType: "application/json")
        .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
}
