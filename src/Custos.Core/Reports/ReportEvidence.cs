namespace Custos.Core.Reports;

/// <summary>
/// What makes a residency report verifiable offline: a checkpoint signed by the log, the log's verifier key, and every event
/// the report relies on with its exact leaf data and its inclusion proof in that checkpoint's tree. <see cref="Events"/> comes
/// last so that a server can stream it.
/// </summary>
public sealed record ReportEvidence
{
    /// <summary>The C2SP signed note of the checkpoint (its text and the log's signature).</summary>
    public required string Checkpoint { get; init; }
    /// <summary>The log's C2SP verifier key. Compare it (or its fingerprint) with one obtained out of band: a forger would bring their own.</summary>
    public required string VerifierKey { get; init; }
    /// <summary>The checkpoint's tree size (repeated from the note for readers).</summary>
    public required long TreeSize { get; init; }
    /// <summary>The checkpoint's root hash (repeated from the note for readers).</summary>
    public required byte[] RootHash { get; init; }
    /// <summary>The report's own <c>report.residency</c> event, recording the SHA-256 of the statement.</summary>
    public required ProvenEvent Attestation { get; init; }
    /// <summary>The <c>register.put</c> events the statement's providers name.</summary>
    public required IReadOnlyList<ProvenEvent> RegisterEvents { get; init; }
    /// <summary>Every event of the key the statement counts, in index order.</summary>
    public required IReadOnlyList<ProvenEvent> Events { get; init; }
}

/// <summary>One event of the log with its proof.</summary>
/// <param name="Index">Its leaf index.</param>
/// <param name="Data">Its exact leaf data (canonical JSON of the event).</param>
/// <param name="Proof">Its RFC 9162 inclusion proof in the checkpoint's tree, leaf side first.</param>
public sealed record ProvenEvent(long Index, byte[] Data, IReadOnlyList<byte[]> Proof);
