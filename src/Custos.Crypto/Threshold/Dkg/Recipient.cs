namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// One recipient in a key generation or resharing round: it checks each dealer's share against that dealer's
/// commitments as it arrives (<see cref="Receive"/>, a <see cref="Complaint"/> when it does not match), and once
/// the transcript is settled computes its new share (<see cref="Finish"/>):
/// <code>s_i = Σ_{d ∈ combined} w_d · f_d(i)   mod n      (w_d = 1 for key generation, λ_d for resharing)</code>
/// Received values live in <see cref="SecretBytes"/>, zeroed on <see cref="Dispose"/>. In key generation a
/// participant is both a <see cref="Dealer"/> and a recipient, and receives its own share like any other.
/// </summary>
public sealed class Recipient : IDisposable
{
    private readonly DkgParameters _parameters;
    private readonly Dictionary<int, SecretBytes> _received = [];
    private readonly HashSet<int> _heard = [];

    /// <summary>Participant <paramref name="index"/>'s recipient in a round with <paramref name="parameters"/>.</summary>
    public Recipient(DkgParameters parameters, int index)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.Participants.Contains(index)) throw new ArgumentException($"{index} is not a recipient of {parameters}", nameof(index));
        _parameters = parameters;
        Index = index;
    }

    /// <summary>This recipient's index in the group being made.</summary>
    public int Index { get; }

    /// <summary>
    /// Takes one dealer's dealing and the share it sent this recipient (null when none arrived). Returns null when
    /// the share is good, or the complaint to broadcast naming the dealer. A dealing or share from someone who is not
    /// a dealer of the round, addressed to someone else, or a second one from the same dealer throws
    /// <see cref="ArgumentException"/> (the network layer authenticates senders).
    /// </summary>
    public Complaint? Receive(Dealing dealing, DealtShare? share)
    {
        ArgumentNullException.ThrowIfNull(dealing);
        int d = dealing.Dealer;
        if (!_parameters.Dealers.Contains(d)) throw new ArgumentException($"{d} is not a dealer in {_parameters}", nameof(dealing));
        if (share is not null && (share.Dealer != d || share.Recipient != Index))
            throw new ArgumentException($"the share is from {share.Dealer} for {share.Recipient}, not from {d} for {Index}", nameof(share));
        if (!_heard.Add(d)) throw new ArgumentException($"already received dealer {d}'s dealing", nameof(dealing));

        if (dealing.Threshold != _parameters.Threshold) return new Complaint(Index, d, ShareFault.WrongThreshold);
        if (_parameters.OldGroup is { } old && !dealing.Commitments[0].Equals(old.PublicShare(d)))
            return new Complaint(Index, d, ShareFault.NotTheOldShare);
        if (share is null) return new Complaint(Index, d, ShareFault.Missing);
        if (!Feldman.Verify(dealing.Commitments, Index, share.Value)) return new Complaint(Index, d, ShareFault.NotOnCommitments);
        _received[d] = SecretBytes.CopyFrom(share.Value);
        return null;
    }

    /// <summary>
    /// This participant's share of the group <paramref name="transcript"/> decides. Each combined dealer's value is
    /// the share received (or, after a complaint, the one its answer revealed), checked again against the
    /// transcript's copy of the dealing — so a dealer that showed this recipient another dealing than everyone
    /// else, or a transcript that left out this recipient's complaint, makes it fail with the dealer named rather
    /// than finish with a wrong share.
    /// </summary>
    public DkgResult Finish(DkgTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (!transcript.Parameters.Equals(_parameters)) throw new ArgumentException("the transcript is of another round", nameof(transcript));
        var outcome = transcript.Outcome;
        if (outcome.Group is not { } group) return DkgResult.Failure(outcome, outcome.Problem!);

        var n = P256.N;
        var sum = Org.BouncyCastle.Math.BigInteger.Zero;
        for (int i = 0; i < outcome.Combined.Count; i++)
        {
            int d = outcome.Combined[i];
            ReadOnlySpan<byte> value = _received.TryGetValue(d, out var mine) ? mine.Reveal()
                : transcript.AnswerFor(d, Index) is { } answer ? answer.Value
                : default;
            if (value.IsEmpty)
                return DkgResult.Failure(outcome, $"participant {Index} holds no valid share from dealer {d}, and the transcript has no answer to its complaint");
            if (!Feldman.Verify(transcript.DealingOf(d)!.Commitments, Index, value))
                return DkgResult.Failure(outcome, $"dealer {d}'s dealing in the transcript is not the one participant {Index} verified its share against");
            sum = sum.Add(outcome.Weights[i].Multiply(P256.ToScalar(value))).Mod(n);
        }

        var scalar = SecretBytes.Allocate(P256.ScalarSize);
        P256.WriteScalar(sum, scalar.RevealForWrite());
        if (KeyShare.Take(Index, scalar) is not { } share)
            return DkgResult.Failure(outcome, $"participant {Index}'s share came out as zero; run the round again");
        if (!share.PublicShare.Equals(group.PublicShare(Index)))
        {
            share.Dispose();
            throw new System.Security.Cryptography.CryptographicException("invariant violated: a share built from verified values does not match the group's public share");
        }
        return DkgResult.Success(outcome, share, group);
    }

    /// <summary>Zeroes every value received.</summary>
    public void Dispose()
    {
        foreach (var v in _received.Values) v.Dispose();
        _received.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"recipient {Index} in {_parameters}";
}
