using System.Text.Json;
using Custos.Core.Errors;

namespace Custos.Core.Reports;

/// <summary>
/// A residency evidence report for one key (docs/residency.md, "Evidence: the residency report"): where each version's
/// material lived and for how long, who could compel its operators, the operators' contracts, and every access grouped by
/// principal, justification and serving country, with the events that prove it. The JSON is the verifiable artefact:
/// <code>
/// format       "custos-residency-report/1"
/// statement    what the server states that no event carries (ReportStatement); its SHA-256 is in the attestation event
/// findings     what the events show (ReportFindings), recomputed by the verifier from the embedded events
/// evidence     signed checkpoint, log key, and every event relied on with its leaf data and inclusion proof (ReportEvidence)
/// </code>
/// </summary>
public sealed record ResidencyReport
{
    /// <summary>The format of this version of the report.</summary>
    public const string FormatName = "custos-residency-report/1";

    /// <summary>The audit operation of making a report (its attestation event).</summary>
    public const string Operation = "report.residency";

    /// <summary>Largest report file read, in bytes (about a million events).</summary>
    public const long MaxBytes = 2L * 1024 * 1024 * 1024 - 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }
    /// <summary>What the server states.</summary>
    public required ReportStatement Statement { get; init; }
    /// <summary>What the events show.</summary>
    public required ReportFindings Findings { get; init; }
    /// <summary>The proofs.</summary>
    public required ReportEvidence Evidence { get; init; }

    /// <summary>Reads a report; a malformed one is a validation error saying where.</summary>
    public static async Task<Result<ResidencyReport>> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        ResidencyReport? report;
        try { report = await JsonSerializer.DeserializeAsync(json, ReportJson.Default.ResidencyReport, cancellationToken); }
        catch (JsonException e) { return CustosError.Invalid($"the report is not a residency report: {e.Message}"); }
        if (report is null) return CustosError.Invalid("the report is empty");
        if (report.Format != FormatName) return CustosError.Invalid($"the report's format is '{report.Format}', not {FormatName}");
        return report;
    }
}
