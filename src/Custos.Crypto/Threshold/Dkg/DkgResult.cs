namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// What <see cref="Recipient.Finish"/> gives one participant: its new <see cref="KeyShare"/> and the group, or
/// why it cannot finish. Dispose it (or take <see cref="Share"/> and dispose that) to zero the share.
/// </summary>
public sealed class DkgResult : IDisposable
{
    private DkgResult(DkgOutcome outcome, KeyShare? share, ThresholdGroup? group, string? problem)
    {
        Outcome = outcome;
        Share = share;
        Group = group;
        Problem = problem;
    }

    internal static DkgResult Success(DkgOutcome outcome, KeyShare share, ThresholdGroup group) => new(outcome, share, group, null);

    internal static DkgResult Failure(DkgOutcome outcome, string problem) => new(outcome, null, null, problem);

    /// <summary>True when <see cref="Share"/> and <see cref="Group"/> are set.</summary>
    public bool Succeeded => Share is not null;

    /// <summary>This participant's new share; null on failure.</summary>
    public KeyShare? Share { get; }

    /// <summary>The group (public key, public shares); null on failure.</summary>
    public ThresholdGroup? Group { get; }

    /// <summary>What the transcript decided, with any dealer faults.</summary>
    public DkgOutcome Outcome { get; }

    /// <summary>Why this participant cannot finish; null on success.</summary>
    public string? Problem { get; }

    /// <summary>Zeroes the share.</summary>
    public void Dispose() => Share?.Dispose();
}
