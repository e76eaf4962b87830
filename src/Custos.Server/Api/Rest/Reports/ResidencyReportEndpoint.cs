using Custos.Core.Reports;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Reports;

/// <summary>
/// GET /v1/reports/residency?key=K — the residency evidence report of one key (<see cref="ResidencyReport"/>) — and GET
/// /v1/reports/residency/overview — where every key lives now and whether it complies (<see cref="ResidencyOverview"/>) — for
/// security officers and auditors. Refusals are problem+json; a report is streamed as it is written, its events proven one by one.
/// A thin translator over <see cref="ResidencyReportService"/>.
/// </summary>
public static class ResidencyReportEndpoint
{
    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder reports)
    {
        MapReport(reports);
        reports.MapGet("/residency/overview", async (HttpContext http, ResidencyReportService reports, CancellationToken ct) =>
        {
            var overview = await reports.OverviewAsync(http.Principal(), ct);
            return overview.IsSuccess ? Results.Json(overview.Value, ReportJson.Default.ResidencyOverview) : ProblemMapper.ToResult(overview.Error);
        })
        .WithName("GetResidencyOverview")
        .WithSummary("Every key whose material exists: where it lives now (keystores, custodians, the node), who could compel each holder, and whether it complies with residency (stated by the server; recorded as report.residency-overview)")
        .Produces<ResidencyOverview>(StatusCodes.Status200OK)
        .ProducesProblem(403).ProducesProblem(503);
    }

    private static void MapReport(RouteGroupBuilder reports) =>
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
