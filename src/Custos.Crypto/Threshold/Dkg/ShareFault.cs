namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// What is wrong with a dealer's contribution, in a <see cref="Complaint"/> or a <see cref="DealerFault"/>.
/// Stable values (they go on the wire and into audit events); they describe public facts, never a secret.
/// </summary>
public enum ShareFault : byte
{
    /// <summary>The recipient received no share from the dealer.</summary>
    Missing = 1,

    /// <summary>The share does not match the dealer's commitments: f(i)·G ≠ Σ i^j·C_j.</summary>
    NotOnCommitments = 2,

    /// <summary>The dealing has another number of commitments than the threshold being dealt.</summary>
    WrongThreshold = 3,

    /// <summary>Resharing: the dealing's C_0 is not the dealer's public share in the old group, so it does not share its old share.</summary>
    NotTheOldShare = 4,

    /// <summary>Key generation: the dealer published no dealing.</summary>
    NoDealing = 5,

    /// <summary>The dealer did not answer a complaint against it.</summary>
    Unanswered = 6,

    /// <summary>The dealer answered a complaint with a share that does not match its commitments either.</summary>
    AnswerDoesNotVerify = 7,
}
