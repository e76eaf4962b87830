namespace Custos.Cli.Audit;

/// <summary>
/// The outcome of <see cref="LogVerifier"/>: valid with counts, or the first problem found in log order.
/// </summary>
public sealed record LogVerification
{
    /// <summary>True iff every check passed.</summary>
    public required bool Ok { get; init; }
    /// <summary>Events read (up to the first problem).</summary>
    public required long Events { get; init; }
    /// <summary>Checkpoints checked (up to the first problem).</summary>
    public required int Checkpoints { get; init; }
    /// <summary>Size of the largest checkpoint checked, 0 if none.</summary>
    public long LatestSize { get; init; }
    /// <summary>Root of the largest checkpoint checked, null if none.</summary>
    public byte[]? LatestRoot { get; init; }
    /// <summary>False when the events did not start at index 0: chain, hashes and signatures were checked, checkpoint roots were not.</summary>
    public bool RootsChecked { get; init; } = true;
    /// <summary>The first problem, one line; null when <see cref="Ok"/>.</summary>
    public string? Problem { get; init; }
    /// <summary>
    /// The smallest event index that may have been altered, removed or inserted, when the problem concerns events
    /// (for a broken hash chain at event i that is i-1: event i-1 or i was altered).
    /// </summary>
    public long? FirstBadIndex { get; init; }
    /// <summary>The tree size of the checkpoint the problem concerns, if any.</summary>
    public long? CheckpointSize { get; init; }

    /// <summary>
    /// The problem and what it names, one line for the operator:
    /// <c>PROBLEM [first bad event: I] [checkpoint: S]</c> (each bracket only when known); "ok" when valid.
    /// </summary>
    public string Describe()
    {
        if (Ok) return "ok";
        string s = Problem ?? "invalid";
        if (FirstBadIndex is { } i) s += $" [first bad event: {i}]";
        if (CheckpointSize is { } c) s += $" [checkpoint: {c}]";
        return s;
    }
}
