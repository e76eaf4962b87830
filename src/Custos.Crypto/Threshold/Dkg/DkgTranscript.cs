using Org.BouncyCastle.Math;

namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// The public messages of one key generation or resharing round — every <see cref="Dealing"/>, every
/// <see cref="Complaint"/> and every <see cref="ComplaintAnswer"/> — and what they decide. The network layer
/// collects them (a broadcast channel or a coordinator that signs and relays them) and gives every participant the
/// same transcript; each then computes the same <see cref="Outcome"/> and calls <see cref="Recipient.Finish"/>.
/// It is also what to keep for audit: it holds no secret.
/// <para>Qualification, dealer by dealer (Pedersen 1991; Gennaro et al. 1999, §3 "Joint-Feldman"):</para>
/// <list type="number">
/// <item>no dealing: a fault in key generation (<see cref="ShareFault.NoDealing"/>); in resharing the old holder simply does not take part;</item>
/// <item>a number of commitments other than k: <see cref="ShareFault.WrongThreshold"/>;</item>
/// <item>resharing, C_0 ≠ the dealer's public share in the old group: <see cref="ShareFault.NotTheOldShare"/>;</item>
/// <item>a complaint with no answer, or with a revealed share that does not match the commitments:
/// <see cref="ShareFault.Unanswered"/> / <see cref="ShareFault.AnswerDoesNotVerify"/>.</item>
/// </list>
/// The other dealers qualify. Key generation needs at least k of them and combines all:
/// A_j = Σ C_{d,j}, public key A_0. Resharing needs at least the old k and combines the first old-k by index
/// with Lagrange weights: A_j = Σ λ_d·C_{d,j}, so A_0 = Σ λ_d·P_d = the old public key.
/// </summary>
public sealed class DkgTranscript
{
    private readonly Dictionary<int, Dealing> _dealings = [];
    private readonly Dictionary<(int Dealer, int Complainant), Complaint> _complaints = [];
    private readonly Dictionary<(int Dealer, int Complainant), ComplaintAnswer> _answers = [];
    private readonly Lazy<DkgOutcome> _outcome;

    /// <summary>
    /// A transcript of a round with <paramref name="parameters"/>. Misuse throws <see cref="ArgumentException"/>:
    /// a message from or about someone outside the round, two dealings from one dealer, two answers to one complaint.
    /// Repeated identical complaints count once; answers to no complaint are ignored.
    /// </summary>
    public DkgTranscript(DkgParameters parameters, IEnumerable<Dealing> dealings, IEnumerable<Complaint> complaints, IEnumerable<ComplaintAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        foreach (var d in dealings)
        {
            if (!parameters.Dealers.Contains(d.Dealer)) throw new ArgumentException($"a dealing from {d.Dealer}, who is not a dealer in {parameters}", nameof(dealings));
            if (!_dealings.TryAdd(d.Dealer, d)) throw new ArgumentException($"two dealings from dealer {d.Dealer}: the transcript keeps one per dealer", nameof(dealings));
        }
        foreach (var c in complaints)
        {
            if (!parameters.Participants.Contains(c.Complainant)) throw new ArgumentException($"a complaint from {c.Complainant}, who is not a recipient in {parameters}", nameof(complaints));
            if (!parameters.Dealers.Contains(c.Dealer)) throw new ArgumentException($"a complaint about {c.Dealer}, who is not a dealer in {parameters}", nameof(complaints));
            _complaints.TryAdd((c.Dealer, c.Complainant), c);
        }
        foreach (var a in answers)
        {
            if (!_complaints.ContainsKey((a.Dealer, a.Complainant))) continue;
            if (!_answers.TryAdd((a.Dealer, a.Complainant), a)) throw new ArgumentException($"two answers from dealer {a.Dealer} to participant {a.Complainant}", nameof(answers));
        }
        _outcome = new Lazy<DkgOutcome>(Decide);
    }

    /// <summary>The round's parameters.</summary>
    public DkgParameters Parameters { get; }

    /// <summary>The dealings, one per dealer that dealt.</summary>
    public IReadOnlyCollection<Dealing> Dealings => _dealings.Values;

    /// <summary>The complaints, one per (dealer, complainant).</summary>
    public IReadOnlyCollection<Complaint> Complaints => _complaints.Values;

    /// <summary>The answers to those complaints.</summary>
    public IReadOnlyCollection<ComplaintAnswer> Answers => _answers.Values;

    /// <summary>What the transcript decides (computed once).</summary>
    public DkgOutcome Outcome => _outcome.Value;

    internal Dealing? DealingOf(int dealer) => _dealings.GetValueOrDefault(dealer);

    internal ComplaintAnswer? AnswerFor(int dealer, int complainant) => _answers.GetValueOrDefault((dealer, complainant));

    private DkgOutcome Decide()
    {
        var p = Parameters;
        var faults = new List<DealerFault>();
        var qualified = new List<int>();
        foreach (int d in p.Dealers)
        {
            if (Fault(d) is { } fault) faults.Add(fault);
            else if (_dealings.ContainsKey(d)) qualified.Add(d);
        }

        if (qualified.Count < p.MinimumDealers)
        {
            string what = p.IsResharing ? "old holders dealt valid shares" : "dealers qualified";
            string need = p.IsResharing ? $"resharing needs {p.MinimumDealers} (the old threshold)" : $"key generation needs {p.MinimumDealers} (the threshold)";
            string problem = $"{qualified.Count} of {p.Dealers.Count} {what}; {need}" + (faults.Count > 0 ? $". {string.Join("; ", faults)}" : "");
            return new DkgOutcome(qualified, [], [], faults, null, problem);
        }

        int[] combined = p.IsResharing ? [.. qualified.Take(p.MinimumDealers)] : [.. qualified];
        BigInteger[] weights = p.IsResharing ? Lagrange.AtZero(combined) : [.. combined.Select(_ => BigInteger.One)];
        var commitments = new P256Point[p.Threshold];
        for (int j = 0; j < commitments.Length; j++)
        {
            var points = combined.Select(d => _dealings[d].Commitments[j].Value).ToArray();
            if (P256Point.FromComputationOrNull(P256.SumOfMultiplies(points, weights)) is not { } a)
                return new DkgOutcome(qualified, combined, weights, faults, null, $"the combined commitment A_{j} is the identity; run the round again");
            commitments[j] = a;
        }
        if (p.OldGroup is { } old && !commitments[0].Equals(old.PublicKey))
            throw new System.Security.Cryptography.CryptographicException("invariant violated: resharing changed the public key although every C_0 matched");
        var group = ThresholdGroup.Create(commitments, p.Participants);
        return group is null
            ? new DkgOutcome(qualified, combined, weights, faults, null, "a participant's public share is the identity; run the round again")
            : new DkgOutcome(qualified, combined, weights, faults, group, null);
    }

    private DealerFault? Fault(int dealer)
    {
        var p = Parameters;
        if (!_dealings.TryGetValue(dealer, out var dealing))
            return p.IsResharing ? null : new DealerFault(dealer, ShareFault.NoDealing);
        if (dealing.Threshold != p.Threshold) return new DealerFault(dealer, ShareFault.WrongThreshold);
        if (p.OldGroup is { } old && !dealing.Commitments[0].Equals(old.PublicShare(dealer)))
            return new DealerFault(dealer, ShareFault.NotTheOldShare);
        foreach (var complaint in _complaints.Values.Where(c => c.Dealer == dealer).OrderBy(c => c.Complainant))
        {
            if (!_answers.TryGetValue((dealer, complaint.Complainant), out var answer))
                return new DealerFault(dealer, ShareFault.Unanswered, complaint.Complainant);
            if (!Feldman.Verify(dealing.Commitments, complaint.Complainant, answer.Value))
                return new DealerFault(dealer, ShareFault.AnswerDoesNotVerify, complaint.Complainant);
        }
        return null;
    }
}
