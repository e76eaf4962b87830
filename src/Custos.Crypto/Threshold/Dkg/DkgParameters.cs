namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// What one key generation or resharing round deals: the threshold k and participants of the group it makes,
/// who may deal, and (resharing) the group whose shares are redistributed. Every <see cref="Dealer"/>,
/// <see cref="Recipient"/> and <see cref="DkgTranscript"/> of a round is made with equal parameters.
/// <list type="bullet">
/// <item>Key generation (joint-Feldman, Pedersen 1991): every participant deals a random polynomial; at least k
/// dealers must qualify, so that with at most k − 1 dishonest participants one honest dealer is among them.</item>
/// <item>Resharing (Herzberg et al. 1995; Desmedt and Jajodia 1997): the old group's participants deal their old
/// shares; k_old qualified dealers are combined with Lagrange weights into a sharing of the same secret for the
/// new participants and threshold.</item>
/// </list>
/// Misuse throws <see cref="ArgumentException"/>: threshold outside 1 … n, indexes outside 1 … 255 or repeated.
/// </summary>
public sealed class DkgParameters : IEquatable<DkgParameters>
{
    private readonly int[] _participants;
    private readonly int[] _dealers;

    private DkgParameters(int threshold, int[] participants, ThresholdGroup? oldGroup)
    {
        Threshold = threshold;
        _participants = participants;
        OldGroup = oldGroup;
        _dealers = oldGroup is null ? participants : [.. oldGroup.Participants];
    }

    /// <summary>Parameters for generating a new k-of-n key among <paramref name="participants"/>.</summary>
    public static DkgParameters ForKeyGeneration(int threshold, IEnumerable<int> participants)
    {
        var sorted = CheckParticipants(threshold, participants);
        return new DkgParameters(threshold, sorted, null);
    }

    /// <summary>Parameters for moving <paramref name="oldGroup"/>'s key to <paramref name="participants"/> with threshold <paramref name="threshold"/>.</summary>
    public static DkgParameters ForResharing(ThresholdGroup oldGroup, int threshold, IEnumerable<int> participants)
    {
        ArgumentNullException.ThrowIfNull(oldGroup);
        var sorted = CheckParticipants(threshold, participants);
        return new DkgParameters(threshold, sorted, oldGroup);
    }

    private static int[] CheckParticipants(int threshold, IEnumerable<int> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var sorted = participants.Order().ToArray();
        if (sorted.Length is < 1 or > ThresholdGroup.MaxParticipants)
            throw new ArgumentException($"a group has 1 to {ThresholdGroup.MaxParticipants} participants", nameof(participants));
        foreach (int i in sorted) KeyShare.CheckIndex(i, nameof(participants));
        if (sorted.Distinct().Count() != sorted.Length) throw new ArgumentException("participant indexes must be distinct", nameof(participants));
        if (threshold < 1 || threshold > sorted.Length)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"the threshold must be 1 to {sorted.Length} (the number of participants)");
        return sorted;
    }

    /// <summary>True for resharing, false for key generation.</summary>
    public bool IsResharing => OldGroup is not null;

    /// <summary>Resharing: the group whose shares are dealt. Null for key generation.</summary>
    public ThresholdGroup? OldGroup { get; }

    /// <summary>k of the group this round makes.</summary>
    public int Threshold { get; }

    /// <summary>The participants of the group this round makes (the recipients), in increasing order.</summary>
    public IReadOnlyList<int> Participants => _participants;

    /// <summary>Who may deal: the participants (key generation) or the old group's participants (resharing).</summary>
    public IReadOnlyList<int> Dealers => _dealers;

    /// <summary>How many dealers must qualify: k (key generation) or the old threshold (resharing).</summary>
    public int MinimumDealers => OldGroup?.Threshold ?? Threshold;

    /// <summary>Equal when mode, threshold, participants and old group are equal.</summary>
    public bool Equals(DkgParameters? other) =>
        other is not null && Threshold == other.Threshold && _participants.AsSpan().SequenceEqual(other._participants)
        && Equals(OldGroup, other.OldGroup);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DkgParameters p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Threshold, _participants.Length, OldGroup);

    /// <inheritdoc />
    public override string ToString() => IsResharing
        ? $"resharing {OldGroup} to {Threshold}-of-{_participants.Length} ({string.Join(", ", _participants)})"
        : $"key generation {Threshold}-of-{_participants.Length} ({string.Join(", ", _participants)})";
}
