namespace Custos.Core.Seal;

/// <summary>Where a key ceremony stands.</summary>
public enum CeremonyStatus
{
    /// <summary>Fewer operators than the threshold have confirmed; what it guards is not usable yet.</summary>
    Pending,
    /// <summary>The threshold of operators confirmed; the transcript and their signatures are stored.</summary>
    Complete,
}
