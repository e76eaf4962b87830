using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Residency;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;

namespace Custos.Keystores.Tests.Threshold;

/// <summary>
/// A fake of our own port for tests: custodians in memory, with the real cryptography. Key generation and resharing run the
/// library's <see cref="Dealer"/>, <see cref="Recipient"/> and <see cref="DkgTranscript"/> among them; each holds its
/// <see cref="KeyShare"/>s (active and pending, by key, version and group fingerprint); an unwrap asks them in index order for
/// real <see cref="PartialDecryption"/>s and combines with <see cref="ThresholdCombiner"/>. A custodian can be marked down
/// (unreachable) or faulty (it answers with a partial from a wrong share, which the combiner refuses). Calls are counted.
/// </summary>
public sealed class InProcessCustodians : IThresholdCustodians, IDisposable
{
    private readonly List<CustodianInfo> _infos;
    private readonly Dictionary<string, Custodian> _byName;

    /// <summary>Custodians with these names and locations.</summary>
    public InProcessCustodians(params CustodianInfo[] custodians)
    {
        _infos = [.. custodians];
        _byName = custodians.ToDictionary(c => c.Name, c => new Custodian(c.Name), StringComparer.Ordinal);
    }

    /// <summary>Three custodians a, b, c in DE, FR and AT, each operated by its own provider (which the legal register need not know).</summary>
    public static InProcessCustodians ThreeInEurope() => new(At("a", "DE", "op-a"), At("b", "FR", "op-b"), At("c", "AT", "op-c"));

    /// <summary>A custodian at <paramref name="country"/>, operated by <paramref name="op"/>.</summary>
    public static CustodianInfo At(string name, string country, string op, params string[] compellableBy) =>
        new(name, new Location { Country = country, Operator = op, CompellableBy = compellableBy.Length == 0 ? null : compellableBy });

    /// <inheritdoc />
    public IReadOnlyList<CustodianInfo> Custodians => _infos;

    /// <summary>Declares custodian <paramref name="name"/> somewhere else (a changed server configuration); it keeps its shares.</summary>
    public void Move(string name, string country, string op, params string[] compellableBy) =>
        _infos[_infos.FindIndex(c => c.Name == name)] = At(name, country, op, compellableBy);

    /// <summary>Calls of each method.</summary>
    public int GenerateCalls => _generate;
    /// <inheritdoc cref="GenerateCalls" />
    public int UnwrapCalls => _unwrap;
    /// <inheritdoc cref="GenerateCalls" />
    public int ReshareCalls => _reshare;
    /// <inheritdoc cref="GenerateCalls" />
    public int CommitCalls => _commit;
    /// <inheritdoc cref="GenerateCalls" />
    public int AbortCalls => _abort;
    /// <inheritdoc cref="GenerateCalls" />
    public int DestroyCalls => _destroy;
    private int _generate, _unwrap, _reshare, _commit, _abort, _destroy;

    /// <summary>How many partials custodians computed (over all unwraps).</summary>
    public int PartialsComputed => _partials;
    private int _partials;

    /// <summary>The request forwarded with the last unwrap.</summary>
    public ThresholdRequest? LastRequest { get; private set; }

    /// <summary>Marks a custodian unreachable (or reachable again).</summary>
    public void SetDown(string name, bool down = true) => _byName[name].Down = down;

    /// <summary>Makes a custodian answer with a partial from a wrong share (or honestly again).</summary>
    public void SetFaulty(string name, bool faulty = true) => _byName[name].Faulty = faulty;

    /// <summary>How many active shares a custodian holds.</summary>
    public int SharesHeldBy(string name) => _byName[name].Active.Count;

    /// <inheritdoc />
    public Task<ThresholdMaterial> GenerateAsync(string keyId, int version, ThresholdSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _generate);
        var members = Members(spec.Custodians);
        var parameters = DkgParameters.ForKeyGeneration(spec.Threshold, Enumerable.Range(1, members.Count));
        var dealers = parameters.Participants.Select(i => Dealer.ForKeyGeneration(parameters, i)).ToList();
        try
        {
            var (group, shares) = Run(parameters, dealers);
            var material = new ThresholdMaterial(group, Names(members), spec.MinJurisdictions);
            foreach (var (index, share) in shares) members[index - 1].Active[(keyId, version, group.Fingerprint)] = share;
            return Task.FromResult(material);
        }
        finally
        {
            foreach (var d in dealers) d.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<ThresholdUnwrapOutcome> UnwrapAsync(ThresholdMaterial material, string keyId, int version, ReadOnlyMemory<byte> blob,
        ReadOnlyMemory<byte> context, ThresholdRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _unwrap);
        LastRequest = request;
        if (ThresholdWrappedKey.TryParse(blob.Span) is not { } wrapped)
            return Task.FromResult(new ThresholdUnwrapOutcome(null, ThresholdUnwrapFailure.InvalidCiphertext, "invalid ciphertext", [], []));
        var id = Encoding.UTF8.GetBytes(keyId);
        var combiner = new ThresholdCombiner(material.Group, wrapped, id, version);
        var faults = new List<CustodianFault>();
        foreach (var (index, name) in material.Custodians)
        {
            if (combiner.HasQuorum) break;
            if (!_byName.TryGetValue(name, out var custodian) || custodian.Down)
            {
                faults.Add(new CustodianFault(name, CustodianFaultKind.Unreachable, "connection refused"));
                continue;
            }
            if (!custodian.Active.TryGetValue((keyId, version, material.Group.Fingerprint), out var share))
            {
                faults.Add(new CustodianFault(name, CustodianFaultKind.Refused, "it holds no share of this key version"));
                continue;
            }
            Interlocked.Increment(ref _partials);
            PartialDecryption partial;
            if (custodian.Faulty)
            {
                using var wrong = WrongShare(index);
                partial = PartialDecryption.Compute(wrong, wrapped.Ephemeral, id, version);
            }
            else
            {
                partial = PartialDecryption.Compute(share, wrapped.Ephemeral, id, version);
            }
            if (combiner.Offer(index, partial.Encode()) == PartialVerdict.Rejected)
            {
                var rejection = combiner.Rejections.Last(r => r.Custodian == index);
                var text = rejection.ToString();
                faults.Add(new CustodianFault(name, CustodianFaultKind.InvalidPartial, text[(text.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
            }
        }
        using var result = combiner.Unwrap(context.Span);
        var combined = result.Combined.Select(i => material.Custodians[i]).ToList();
        var outcome = result.Error switch
        {
            UnwrapError.None => new ThresholdUnwrapOutcome(result.DataKey!.Clone(), ThresholdUnwrapFailure.None, result.Message, combined, faults),
            UnwrapError.QuorumNotMet => new ThresholdUnwrapOutcome(null, ThresholdUnwrapFailure.QuorumNotMet, result.Message, [], faults),
            _ => new ThresholdUnwrapOutcome(null, ThresholdUnwrapFailure.InvalidCiphertext, result.Message, combined, faults),
        };
        return Task.FromResult(outcome);
    }

    /// <inheritdoc />
    public Task<ThresholdMaterial> ReshareAsync(ThresholdMaterial current, string keyId, int version, ThresholdSpec next, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reshare);
        var members = Members(next.Custodians);
        var old = new List<KeyShare>();
        foreach (var (index, name) in current.Custodians)
        {
            if (_byName.TryGetValue(name, out var c) && !c.Down && c.Active.TryGetValue((keyId, version, current.Group.Fingerprint), out var share))
                old.Add(share);
        }
        if (old.Count < current.Group.Threshold)
            throw new ThresholdException($"resharing needs {current.Group.Threshold} of the current custodians, {old.Count} answered");
        var parameters = DkgParameters.ForResharing(current.Group, next.Threshold, Enumerable.Range(1, members.Count));
        var dealers = old.Select(s => Dealer.ForResharing(parameters, s)).ToList();
        try
        {
            var (group, shares) = Run(parameters, dealers);
            if (!group.PublicKey.Equals(current.Group.PublicKey)) throw new ThresholdException("resharing changed the public key");
            foreach (var (index, share) in shares) members[index - 1].Pending[(keyId, version, group.Fingerprint)] = share;
            return Task.FromResult(new ThresholdMaterial(group, Names(members), next.MinJurisdictions));
        }
        finally
        {
            foreach (var d in dealers) d.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CommitReshareAsync(ThresholdMaterial previous, ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _commit);
        var unreachable = new List<string>();
        foreach (var name in previous.Custodians.Values.Union(next.Custodians.Values))
        {
            if (!_byName.TryGetValue(name, out var c) || c.Down) { unreachable.Add(name); continue; }
            if (c.Pending.TryRemove((keyId, version, next.Group.Fingerprint), out var share)) c.Active[(keyId, version, next.Group.Fingerprint)] = share;
            if (c.Active.TryRemove((keyId, version, previous.Group.Fingerprint), out var gone)) gone.Dispose();
        }
        return Task.FromResult<IReadOnlyList<string>>(unreachable);
    }

    /// <inheritdoc />
    public Task AbortReshareAsync(ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _abort);
        foreach (var c in _byName.Values)
        {
            if (c.Pending.TryRemove((keyId, version, next.Group.Fingerprint), out var share)) share.Dispose();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DestroyAsync(ThresholdMaterial material, string keyId, int version, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _destroy);
        var unreachable = new List<string>();
        foreach (var name in material.Custodians.Values)
        {
            if (!_byName.TryGetValue(name, out var c) || c.Down) { unreachable.Add(name); continue; }
            if (c.Active.TryRemove((keyId, version, material.Group.Fingerprint), out var share)) share.Dispose();
        }
        return Task.FromResult<IReadOnlyList<string>>(unreachable);
    }

    /// <summary>Zeroes every share.</summary>
    public void Dispose()
    {
        foreach (var c in _byName.Values)
        {
            foreach (var s in c.Active.Values.Concat(c.Pending.Values)) s.Dispose();
            c.Active.Clear();
            c.Pending.Clear();
        }
    }

    private List<Custodian> Members(IReadOnlyList<string> names)
    {
        var members = new List<Custodian>(names.Count);
        foreach (var name in names)
        {
            if (!_byName.TryGetValue(name, out var c)) throw new ThresholdException($"custodian '{name}' is not configured");
            if (c.Down) throw new ThresholdException($"custodian '{name}' is unreachable");
            members.Add(c);
        }
        return members;
    }

    private static Dictionary<int, string> Names(List<Custodian> members) =>
        members.Select((c, i) => (Index: i + 1, c.Name)).ToDictionary(x => x.Index, x => x.Name);

    /// <summary>One honest round: every dealer deals to every recipient, complaints are answered, everyone finishes on the same transcript.</summary>
    private static (ThresholdGroup Group, Dictionary<int, KeyShare> Shares) Run(DkgParameters parameters, IReadOnlyList<Dealer> dealers)
    {
        var recipients = parameters.Participants.ToDictionary(i => i, i => new Recipient(parameters, i));
        try
        {
            var complaints = new List<Complaint>();
            foreach (var dealer in dealers)
            {
                foreach (int r in parameters.Participants)
                {
                    using var sent = dealer.ShareFor(r);
                    if (recipients[r].Receive(dealer.Dealing, sent) is { } complaint) complaints.Add(complaint);
                }
            }
            var answers = complaints.Select(c => dealers.First(d => d.Index == c.Dealer).Answer(c)).ToList();
            var transcript = new DkgTranscript(parameters, dealers.Select(d => d.Dealing), complaints, answers);
            var shares = new Dictionary<int, KeyShare>();
            ThresholdGroup? group = null;
            foreach (var (index, recipient) in recipients)
            {
                var result = recipient.Finish(transcript);
                if (!result.Succeeded) throw new ThresholdException($"key generation failed: {result.Problem}");
                group = result.Group;
                shares[index] = result.Share!; // kept, not disposed with the result
            }
            return (group!, shares);
        }
        finally
        {
            foreach (var r in recipients.Values) r.Dispose();
        }
    }

    /// <summary>A share that is not the custodian's: a partial made with it fails its proof.</summary>
    private static KeyShare WrongShare(int index)
    {
        var scalar = RandomNumberGenerator.GetBytes(32);
        scalar[0] = 0x01; // below n
        try { return KeyShare.FromScalar(index, scalar); }
        finally { CryptographicOperations.ZeroMemory(scalar); }
    }

    private sealed class Custodian(string name)
    {
        public string Name { get; } = name;
        public bool Down { get; set; }
        public bool Faulty { get; set; }
        public ConcurrentDictionary<(string KeyId, int Version, string Group), KeyShare> Active { get; } = new();
        public ConcurrentDictionary<(string KeyId, int Version, string Group), KeyShare> Pending { get; } = new();
    }
}
