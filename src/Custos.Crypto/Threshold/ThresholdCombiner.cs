namespace Custos.Crypto.Threshold;

/// <summary>
/// The unwrapping side of threshold custody, run by the Custos server for one wrapped key: send
/// <see cref="Ephemeral"/> to the custodians, <see cref="Offer(int, PartialDecryption)"/> each answer as it arrives,
/// stop asking once <see cref="HasQuorum"/>, then <see cref="Unwrap"/>.
/// <list type="number">
/// <item>Each partial is checked before it counts: from a participant, under its own index, not a second answer,
/// and its Chaum–Pedersen proof verifies against the public share recorded for that custodian in the
/// <see cref="ThresholdGroup"/>. A refused partial is listed in <see cref="Rejections"/> with the custodian and the
/// <see cref="PartialFault"/>, and never combined.</item>
/// <item>The first k valid partials (in the order accepted) are combined by Lagrange interpolation in the exponent:
/// s·E = Σ λ_i·D_i, λ over their indexes; partials after the k-th are <see cref="PartialVerdict.NotNeeded"/>.</item>
/// <item>s·E opens the <see cref="ThresholdWrappedKey"/>; fewer than k valid partials fail closed with
/// <see cref="UnwrapError.QuorumNotMet"/> ("2 of 3 custodians needed, 1 answered"); a blob that does not open is
/// <see cref="UnwrapError.InvalidCiphertext"/>.</item>
/// </list>
/// Offer is safe to call from several threads (a proof is verified outside the lock), so answers arriving in
/// parallel can be offered as they come; the combiner holds no secret until <see cref="Unwrap"/> returns the key.
/// </summary>
public sealed class ThresholdCombiner
{
    private readonly ThresholdGroup _group;
    private readonly ThresholdWrappedKey _wrapped;
    private readonly byte[] _keyId;
    private readonly int _keyVersion;
    private readonly Lock _gate = new();
    private readonly List<PartialDecryption> _accepted = [];
    private readonly List<PartialRejection> _rejections = [];

    /// <summary>A combiner for <paramref name="wrapped"/>, made for key <paramref name="keyId"/> version <paramref name="keyVersion"/> held by <paramref name="group"/>.</summary>
    public ThresholdCombiner(ThresholdGroup group, ThresholdWrappedKey wrapped, ReadOnlySpan<byte> keyId, int keyVersion)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(wrapped);
        _ = KeyBinding.KeyReference(keyId, keyVersion); // misuse throws here, not at the first offer
        _group = group;
        _wrapped = wrapped;
        _keyId = keyId.ToArray();
        _keyVersion = keyVersion;
    }

    /// <summary>E: what every custodian is asked to multiply by its share.</summary>
    public P256Point Ephemeral => _wrapped.Ephemeral;

    /// <summary>k.</summary>
    public int Needed => _group.Threshold;

    /// <summary>True once k valid partials are in.</summary>
    public bool HasQuorum
    {
        get { lock (_gate) return _accepted.Count >= Needed; }
    }

    /// <summary>The custodians whose partials were accepted, in order.</summary>
    public IReadOnlyList<int> Accepted
    {
        get { lock (_gate) return [.. _accepted.Select(p => p.Index)]; }
    }

    /// <summary>Every partial refused so far.</summary>
    public IReadOnlyList<PartialRejection> Rejections
    {
        get { lock (_gate) return [.. _rejections]; }
    }

    /// <summary>Offers the raw answer of custodian <paramref name="custodian"/>: decoded, validated and verified.</summary>
    public PartialVerdict Offer(int custodian, ReadOnlySpan<byte> encoded)
    {
        if (!_group.IsParticipant(custodian)) return Reject(custodian, PartialFault.NotAParticipant);
        return PartialDecryption.Decode(encoded, out var fault) is { } partial ? Offer(custodian, partial) : Reject(custodian, fault);
    }

    /// <summary>Offers a decoded partial from custodian <paramref name="custodian"/> (the sender the network layer authenticated).</summary>
    public PartialVerdict Offer(int custodian, PartialDecryption partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        if (!_group.IsParticipant(custodian)) return Reject(custodian, PartialFault.NotAParticipant);
        if (partial.Index != custodian) return Reject(custodian, PartialFault.WrongParticipant);
        if (Screen(custodian) is { } early) return early;
        if (!partial.Verify(_group.PublicShare(custodian), _wrapped.Ephemeral, _keyId, _keyVersion))
            return Reject(custodian, PartialFault.ProofDoesNotVerify);
        lock (_gate)
        {
            if (_accepted.Count >= Needed) return PartialVerdict.NotNeeded;
            if (_accepted.Any(p => p.Index == custodian)) return RejectLocked(custodian, PartialFault.Duplicate);
            _accepted.Add(partial);
            return PartialVerdict.Accepted;
        }
    }

    private PartialVerdict? Screen(int custodian)
    {
        lock (_gate)
        {
            if (_accepted.Count >= Needed) return PartialVerdict.NotNeeded;
            if (_accepted.Any(p => p.Index == custodian)) return RejectLocked(custodian, PartialFault.Duplicate);
            return null;
        }
    }

    private PartialVerdict Reject(int custodian, PartialFault fault)
    {
        lock (_gate) return RejectLocked(custodian, fault);
    }

    private PartialVerdict RejectLocked(int custodian, PartialFault fault)
    {
        _rejections.Add(new PartialRejection(custodian, fault));
        return PartialVerdict.Rejected;
    }

    /// <summary>
    /// Combines the first k valid partials and opens the blob for <paramref name="context"/> (the canonical
    /// encryption-context bytes it was wrapped with). Fails closed with <see cref="UnwrapError.QuorumNotMet"/> below k.
    /// </summary>
    public UnwrapResult Unwrap(ReadOnlySpan<byte> context)
    {
        PartialDecryption[] used;
        IReadOnlyList<PartialRejection> rejections;
        lock (_gate)
        {
            rejections = [.. _rejections];
            if (_accepted.Count < Needed)
                return UnwrapResult.QuorumNotMet(Needed, _group.Participants.Count, _accepted.Count, rejections);
            used = [.. _accepted.Take(Needed)];
        }
        int[] indexes = [.. used.Select(p => p.Index)];
        var lambdas = Lagrange.AtZero(indexes);
        var shared = P256Point.FromComputationOrNull(P256.SumOfMultiplies([.. used.Select(p => p.Value.Value)], lambdas));
        var dek = shared is null ? null : _wrapped.TryUnwrap(_group.PublicKey, shared, _keyId, _keyVersion, context);
        return dek is null
            ? UnwrapResult.InvalidCiphertext(Needed, _group.Participants.Count, indexes, rejections)
            : UnwrapResult.Success(dek, Needed, _group.Participants.Count, indexes, rejections);
    }

    /// <summary>
    /// One call for callers that already hold the answers: offers <paramref name="partials"/> in order (each from the
    /// custodian its index names) and unwraps.
    /// </summary>
    public static UnwrapResult Unwrap(ThresholdGroup group, ThresholdWrappedKey wrapped, ReadOnlySpan<byte> keyId, int keyVersion,
        ReadOnlySpan<byte> context, IEnumerable<PartialDecryption> partials)
    {
        ArgumentNullException.ThrowIfNull(partials);
        var combiner = new ThresholdCombiner(group, wrapped, keyId, keyVersion);
        foreach (var p in partials)
        {
            if (combiner.HasQuorum) break;
            combiner.Offer(p.Index, p);
        }
        return combiner.Unwrap(context);
    }
}
