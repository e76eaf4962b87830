namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// A dealer left out of a key generation or resharing, and why: the named culprit the network layer reports
/// and audits. <see cref="Complainant"/> is set when a complaint decided it.
/// </summary>
/// <param name="Dealer">The dealer's index.</param>
/// <param name="Reason">What it did wrong.</param>
/// <param name="Complainant">The participant whose complaint was upheld, if any.</param>
public sealed record DealerFault(int Dealer, ShareFault Reason, int? Complainant = null)
{
    /// <summary>One sentence naming the dealer and the fault.</summary>
    public override string ToString() => $"dealer {Dealer}: {Explain(Reason, Complainant)}";

    internal static string Explain(ShareFault reason, int? complainant) => reason switch
    {
        ShareFault.Missing => $"no share reached participant {complainant}",
        ShareFault.NotOnCommitments => $"the share for participant {complainant} does not match its commitments",
        ShareFault.WrongThreshold => "its dealing has the wrong number of commitments for the threshold",
        ShareFault.NotTheOldShare => "its dealing does not commit to its share in the old group (C_0 is not its recorded public share)",
        ShareFault.NoDealing => "it published no dealing",
        ShareFault.Unanswered => $"it did not answer participant {complainant}'s complaint",
        ShareFault.AnswerDoesNotVerify => $"the share it revealed for participant {complainant} does not match its commitments",
        _ => reason.ToString(),
    };
}
