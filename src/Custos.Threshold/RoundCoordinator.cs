using System.Security.Cryptography;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;
using Custos.Threshold.Protocol;

namespace Custos.Threshold;

/// <summary>
/// Drives key generation and resharing rounds among custodians (the Custos server is the relay, never a
/// participant): open the round everywhere (each custodian deals, its shares encrypted to each recipient's DKG key),
/// deliver dealings and encrypted shares, collect complaints, have accused dealers answer, build the
/// <see cref="DkgTranscript"/> and have every recipient finish against it. Any <see cref="DealerFault"/> is an
/// incident: the round is aborted at every custodian (nobody keeps a share) and the exception names the custodians.
/// </summary>
internal sealed class RoundCoordinator(Func<string, CustodianClient> client)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public async Task<ThresholdMaterial> GenerateAsync(string keyId, int version, ThresholdSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckSpec(spec);
        var names = spec.Custodians.ToList();
        var byIndex = names.Select((n, i) => (Index: i + 1, Name: n)).ToDictionary(p => p.Index, p => p.Name);
        var parameters = DkgParameters.ForKeyGeneration(spec.Threshold, byIndex.Keys);
        var roundId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var participants = await ParticipantsAsync(byIndex, cancellationToken);
        string? fingerprint = null;
        try
        {
            var opened = await AllAsync(names, name => client(name).SendAsync(HttpMethod.Post, CustodianProtocol.Prefix + "/rounds",
                new OpenRoundRequest(roundId, "generate", keyId, version, spec.Threshold, participants, IndexOf(byIndex, name)),
                CustodianJson.Default.OpenRoundRequest, CustodianJson.Default.OpenRoundResponse, Timeout(cancellationToken)));
            var group = await RunRoundAsync(roundId, parameters, byIndex, byIndex, opened, cancellationToken);
            fingerprint = group.Fingerprint;
            await AllAsync(names, name => CommitAsync(name, keyId, version, group.Fingerprint, cancellationToken));
            return new ThresholdMaterial(group, byIndex, spec.MinJurisdictions);
        }
        catch (Exception e) when (e is ThresholdException or CustodianCallException)
        {
            await AbortEverywhereAsync(names, roundId, keyId, version, fingerprint, destroy: true);
            throw e as ThresholdException ?? new ThresholdException($"key generation failed: {e.Message}", e);
        }
    }

    public async Task<ThresholdMaterial> ReshareAsync(ThresholdMaterial current, string keyId, int version, ThresholdSpec next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        CheckSpec(next);
        var newByIndex = next.Custodians.Select((n, i) => (Index: i + 1, Name: n)).ToDictionary(p => p.Index, p => p.Name);
        var oldByIndex = current.Custodians.ToDictionary(kv => kv.Key, kv => kv.Value);
        var names = oldByIndex.Values.Union(newByIndex.Values).ToList();
        var parameters = DkgParameters.ForResharing(current.Group, next.Threshold, newByIndex.Keys);
        var roundId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var participants = await ParticipantsAsync(newByIndex, cancellationToken);
        var dealers = oldByIndex.Select(kv => new RoundDealer(kv.Key, kv.Value)).ToList();
        var oldGroup = current.Group.Encode();
        string? fingerprint = null;
        try
        {
            // Any old-threshold of the old holders suffice: an old holder that leaves the group may be away (it keeps its old
            // share until it is told to commit, and that share no longer combines with the new group).
            var settled = await SettleAsync(names, name => client(name).SendAsync(HttpMethod.Post, CustodianProtocol.Prefix + "/rounds",
                new OpenRoundRequest(roundId, "reshare", keyId, version, next.Threshold, participants, IndexOf(newByIndex, name), oldGroup, dealers),
                CustodianJson.Default.OpenRoundRequest, CustodianJson.Default.OpenRoundResponse, Timeout(cancellationToken)));
            var failed = settled.Where(r => r.Value.Error is not null).ToList();
            var away = failed.Where(r => !newByIndex.ContainsValue(r.Key)).Select(r => oldByIndex.First(kv => kv.Value == r.Key).Key).ToHashSet();
            if (failed.Count > away.Count || oldByIndex.Count - away.Count < current.Group.Threshold)
                throw new ThresholdException(string.Join("; ", failed.Select(r => $"custodian {r.Key}: {r.Value.Error}"))
                    + (oldByIndex.Count - away.Count < current.Group.Threshold ? $"; resharing needs {current.Group.Threshold} of the current holders" : ""));
            var opened = settled.Where(r => r.Value.Error is null).ToDictionary(r => r.Key, r => r.Value.Value!, StringComparer.Ordinal);
            var present = oldByIndex.Where(kv => !away.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var group = await RunRoundAsync(roundId, parameters, present, newByIndex, opened, cancellationToken, away);
            fingerprint = group.Fingerprint;
            if (!group.PublicKey.Equals(current.Group.PublicKey)) throw new ThresholdException("resharing changed the public key; aborted");
            return new ThresholdMaterial(group, newByIndex, next.MinJurisdictions);
        }
        catch (Exception e) when (e is ThresholdException or CustodianCallException)
        {
            await AbortEverywhereAsync(names, roundId, keyId, version, fingerprint, destroy: false);
            throw e as ThresholdException ?? new ThresholdException($"resharing failed: {e.Message}", e);
        }
    }

    // Deal → receive → answer → finish. Returns the group every recipient finished with.
    private async Task<ThresholdGroup> RunRoundAsync(string roundId, DkgParameters parameters, Dictionary<int, string> dealerNames,
        Dictionary<int, string> recipientNames, Dictionary<string, OpenRoundResponse> opened, CancellationToken cancellationToken, HashSet<int>? away = null)
    {
        var dealings = new List<Dealing>();
        var shares = new List<EncryptedDealtShare>();
        foreach (var (index, name) in dealerNames)
        {
            var answer = opened[name];
            if (answer.Dealing is null) throw new ThresholdException($"custodian {name} (dealer {index}) published no dealing");
            if (Dealing.TryDecode(answer.Dealing) is not { } dealing || dealing.Dealer != index)
                throw new ThresholdException($"custodian {name} (dealer {index}) published a malformed dealing");
            dealings.Add(dealing);
            shares.AddRange(answer.Shares.Where(s => s.Dealer == index && recipientNames.ContainsKey(s.Recipient)));
        }
        var encodedDealings = dealings.Select(d => d.Encode()).ToList();

        var received = await AllAsync(recipientNames.Values, name => client(name).SendAsync(HttpMethod.Post, Round(roundId, "receive"),
            new ReceiveRequest(encodedDealings, shares.Where(s => recipientNames[s.Recipient] == name).ToList()),
            CustodianJson.Default.ReceiveRequest, CustodianJson.Default.ReceiveResponse, Timeout(cancellationToken)));
        var complaints = new List<Complaint>();
        foreach (var (index, name) in recipientNames)
        {
            foreach (var raw in received[name].Complaints)
            {
                if (Complaint.TryDecode(raw) is not { } complaint || complaint.Complainant != index || !dealerNames.ContainsKey(complaint.Dealer))
                    throw new ThresholdException($"custodian {name} sent a malformed complaint");
                complaints.Add(complaint);
            }
        }

        var answers = new List<ComplaintAnswer>();
        var accused = complaints.GroupBy(c => c.Dealer).ToList();
        if (accused.Count > 0)
        {
            var answered = await AllAsync(accused.Select(g => dealerNames[g.Key]), name =>
            {
                int dealer = dealerNames.First(kv => kv.Value == name).Key;
                return client(name).SendAsync(HttpMethod.Post, Round(roundId, "answer"),
                    new AnswerRequest(complaints.Where(c => c.Dealer == dealer).Select(c => c.Encode()).ToList()),
                    CustodianJson.Default.AnswerRequest, CustodianJson.Default.AnswerResponse, Timeout(cancellationToken));
            });
            foreach (var raw in answered.Values.SelectMany(a => a.Answers))
            {
                if (ComplaintAnswer.TryDecode(raw) is { } answer) answers.Add(answer);
            }
        }

        var transcript = new DkgTranscript(parameters, dealings, complaints, answers);
        var outcome = transcript.Outcome;
        // A dealer that was away dealt nothing (NoDealing): expected. Any other fault is an incident.
        var faults = outcome.Faults.Where(f => !(f.Reason == ShareFault.NoDealing && away?.Contains(f.Dealer) == true)).ToList();
        if (faults.Count > 0 || outcome.Group is null)
        {
            var named = faults.Select(f => $"custodian {dealerNames.GetValueOrDefault(f.Dealer, "?")}: {f}");
            throw new ThresholdException($"the round found faulty dealers and was aborted (no custodian keeps a share): {string.Join("; ", named)}"
                + (outcome.Problem is { } p ? $"; {p}" : ""));
        }
        var group = outcome.Group;
        var finish = new FinishRequest(encodedDealings, complaints.Select(c => c.Encode()).ToList(), answers.Select(a => a.Encode()).ToList());
        var finished = await AllAsync(recipientNames.Values, name => client(name).SendAsync(HttpMethod.Post, Round(roundId, "finish"), finish,
            CustodianJson.Default.FinishRequest, CustodianJson.Default.FinishResponse, Timeout(cancellationToken)));
        foreach (var (index, name) in recipientNames)
        {
            var f = finished[name];
            if (f.Fingerprint != group.Fingerprint || f.Index != index || f.PublicShare is null
                || P256Point.TryDecode(f.PublicShare) is not { } publicShare || !publicShare.Equals(group.PublicShare(index)))
                throw new ThresholdException($"custodian {name} finished with another group than the transcript decides");
        }
        return group;
    }

    public Task<CommitResponse> CommitAsync(string name, string keyId, int version, string fingerprint, CancellationToken cancellationToken) =>
        client(name).SendAsync(HttpMethod.Post, Version(keyId, version) + "/commit", new GroupRequest(fingerprint),
            CustodianJson.Default.GroupRequest, CustodianJson.Default.CommitResponse, Timeout(cancellationToken));

    public Task<CommitResponse> AbortAsync(string name, string keyId, int version, string fingerprint, CancellationToken cancellationToken) =>
        client(name).SendAsync(HttpMethod.Post, Version(keyId, version) + "/abort", new GroupRequest(fingerprint),
            CustodianJson.Default.GroupRequest, CustodianJson.Default.CommitResponse, Timeout(cancellationToken));

    public Task<DestroyResponse> DestroyAsync(string name, string keyId, int version, CancellationToken cancellationToken) =>
        client(name).SendAsync(HttpMethod.Delete, Version(keyId, version), CustodianJson.Default.DestroyResponse, Timeout(cancellationToken));

    /// <summary>Runs <paramref name="call"/> at every custodian; returns those it failed at.</summary>
    public static async Task<IReadOnlyList<string>> BestEffortAsync(IReadOnlyList<string> names, Func<string, Task> call)
    {
        var failed = new List<string>();
        await Task.WhenAll(names.Select(async name =>
        {
            try { await call(name); }
            catch (Exception e) when (e is CustodianCallException or ThresholdException or OperationCanceledException)
            {
                lock (failed) failed.Add(name);
            }
        }));
        return [.. failed.Order(StringComparer.Ordinal)];
    }

    private async Task AbortEverywhereAsync(IReadOnlyList<string> names, string roundId, string keyId, int version, string? fingerprint, bool destroy)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await BestEffortAsync(names, async name =>
        {
            await client(name).SendAsync(HttpMethod.Delete, Round(roundId, null), CustodianJson.Default.CommitResponse, cts.Token);
            if (destroy) await DestroyAsync(name, keyId, version, cts.Token);
            else if (fingerprint is not null) await AbortAsync(name, keyId, version, fingerprint, cts.Token);
        });
    }

    private async Task<List<RoundParticipant>> ParticipantsAsync(IReadOnlyDictionary<int, string> byIndex, CancellationToken cancellationToken)
    {
        var infos = await AllAsync(byIndex.Values, name => client(name).SendAsync(HttpMethod.Get, CustodianProtocol.Prefix + "/info",
            CustodianJson.Default.CustodianInfoResponse, Timeout(cancellationToken)));
        foreach (var (name, info) in infos)
        {
            if (info.Name != name) throw new ThresholdException($"custodian {name} calls itself '{info.Name}': check the server's threshold configuration");
        }
        return [.. byIndex.Select(kv => new RoundParticipant(kv.Key, kv.Value, infos[kv.Value].DkgPublicKey))];
    }

    // Calls every custodian in parallel; a failure anywhere throws one ThresholdException naming every custodian that failed.
    private static async Task<Dictionary<string, T>> AllAsync<T>(IEnumerable<string> names, Func<string, Task<T>> call)
    {
        var results = await SettleAsync(names, call);
        var failed = results.Where(r => r.Value.Error is not null).Select(r => $"custodian {r.Key}: {r.Value.Error}").ToList();
        if (failed.Count > 0) throw new ThresholdException(string.Join("; ", failed));
        return results.ToDictionary(r => r.Key, r => r.Value.Value!, StringComparer.Ordinal);
    }

    // Calls every custodian in parallel; each answer or why it failed.
    private static async Task<Dictionary<string, (T? Value, string? Error)>> SettleAsync<T>(IEnumerable<string> names, Func<string, Task<T>> call)
    {
        var tasks = names.Distinct(StringComparer.Ordinal).Select(async name =>
        {
            try { return (name, Value: await call(name), Error: (string?)null); }
            catch (CustodianCallException e) { return (name, Value: default(T), Error: e.Detail); }
            catch (OperationCanceledException) { return (name, Value: default(T), Error: "no answer in time"); }
        }).ToList();
        var results = await Task.WhenAll(tasks);
        return results.ToDictionary(r => r.name, r => ((T?)r.Value, r.Error), StringComparer.Ordinal);
    }

    private static CancellationToken Timeout(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(CallTimeout);
        return cts.Token; // left to the timer; a round makes a handful of these
    }

    private static int? IndexOf(IReadOnlyDictionary<int, string> byIndex, string name) =>
        byIndex.FirstOrDefault(kv => kv.Value == name) is { Value: not null } kv ? kv.Key : null;

    private static void CheckSpec(ThresholdSpec spec)
    {
        int n = spec.Custodians.Count;
        if (n < 2 || n > CustodianProtocol.MaxParticipants) throw new ThresholdException($"a threshold key has 2 to {CustodianProtocol.MaxParticipants} custodians");
        if (spec.Custodians.Distinct(StringComparer.Ordinal).Count() != n) throw new ThresholdException("a custodian may hold only one share of a key");
        if (spec.Threshold < 2 || spec.Threshold > n) throw new ThresholdException($"the threshold must be 2 to {n} (the number of custodians)");
    }

    private static string Round(string roundId, string? step) => $"{CustodianProtocol.Prefix}/rounds/{roundId}" + (step is null ? "" : "/" + step);

    private static string Version(string keyId, int version) => $"{CustodianProtocol.Prefix}/keys/{Uri.EscapeDataString(keyId)}/versions/{version}";
}
