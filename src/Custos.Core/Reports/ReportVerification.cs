namespace Custos.Core.Reports;

/// <summary>The outcome of <see cref="ResidencyReportVerifier.Verify"/>: valid, or every problem found (up to a bound).</summary>
public sealed record ReportVerification
{
    /// <summary>True iff every check passed.</summary>
    public required bool Ok { get; init; }
    /// <summary>What failed, one line each; empty when <see cref="Ok"/>.</summary>
    public required IReadOnlyList<string> Problems { get; init; }
    /// <summary>The report's log verifier key, when it parsed.</summary>
    public string? VerifierKey { get; init; }
    /// <summary>Its fingerprint (<see cref="ResidencyReportVerifier.Fingerprint"/>), to compare with one obtained out of band.</summary>
    public string? Fingerprint { get; init; }
    /// <summary>The log's origin line, from the checkpoint.</summary>
    public string? Origin { get; init; }
    /// <summary>The checkpoint's tree size.</summary>
    public long TreeSize { get; init; }
    /// <summary>The checkpoint's root hash.</summary>
    public byte[]? RootHash { get; init; }
    /// <summary>Events of the key checked.</summary>
    public long Events { get; init; }
    /// <summary>The key the report is about.</summary>
    public string? KeyId { get; init; }
}
