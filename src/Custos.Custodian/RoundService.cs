using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Custos.Core.Audit;
using Custos.Crypto;
using Custos.Crypto.Sharing;
using Custos.Crypto.Signing;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;
using Custos.Storage.Sqlite;
using Custos.Threshold;
using Custos.Threshold.Protocol;

namespace Custos.Custodian;

/// <summary>
/// The custodian's side of key generation and resharing (docs/threshold.md, "Custodian protocol"): open (deal,
/// encrypting each dealt share to its recipient's DKG key), receive (decrypt and check the shares addressed here,
/// complain), answer (reveal shares complained about), finish (check the transcript with
/// <see cref="Recipient.Finish"/>, keep the new share sealed and pending), abort. Commit, abort and destroy of stored
/// shares are in <see cref="ShareLifecycle"/>. Every step is audited.
/// </summary>
public sealed partial class RoundService(CustodianIdentity me, SqliteShareStore store, CustodianAudit audit, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RoundLifetime = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, Round> _rounds = new(StringComparer.Ordinal);

    /// <summary>Opens a round and deals; a refusal is audited too.</summary>
    public async Task<Outcome<OpenRoundResponse>> OpenAsync(string server, OpenRoundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await OpenCoreAsync(server, request, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            bool keyOk = CheckKey(request.KeyId, request.KeyVersion) is null;
            await audit.AppendAsync(audit.Event(server, "custodian.round.open", AuditOutcome.Failed, refusal.Code, keyOk ? request.KeyId : null,
                keyOk ? request.KeyVersion : null, new Dictionary<string, string> { ["reason"] = refusal.Detail }), cancellationToken);
        }
        return outcome;
    }

    private async Task<Outcome<OpenRoundResponse>> OpenCoreAsync(string server, OpenRoundRequest request, CancellationToken cancellationToken)
    {
        Sweep();
        if (CheckOpen(request) is { } invalid) return invalid;
        if (_rounds.ContainsKey(request.RoundId)) return Refusal.Conflict("round-exists", $"round {request.RoundId} is open already");
        var newIndexes = request.Participants.Select(p => p.Index).ToList();
        Dealer? dealer = null;
        Recipient? recipient = null;
        DkgParameters parameters;
        try
        {
            if (request.Kind == "generate")
            {
                parameters = DkgParameters.ForKeyGeneration(request.Threshold, newIndexes);
                dealer = Dealer.ForKeyGeneration(parameters, request.Index!.Value);
            }
            else
            {
                if (request.OldGroup is null || ThresholdGroup.TryDecode(request.OldGroup) is not { } oldGroup)
                    return Refusal.Invalid("oldGroup is not a threshold group");
                parameters = DkgParameters.ForResharing(oldGroup, request.Threshold, newIndexes);
                var stored = await store.GetAsync(request.KeyId, request.KeyVersion, oldGroup.Fingerprint, cancellationToken);
                if (stored is { State: ShareState.Active })
                {
                    if (request.Dealers?.FirstOrDefault(d => d.Index == stored.Participant)?.Name != me.Name)
                        return Refusal.Conflict("not-the-dealer", $"this custodian holds share {stored.Participant} of the old group, which the round does not name it for");
                    using var oldShare = ShareSeal.Open(me.Seal, stored.SealedShare, stored.KeyId, stored.KeyVersion, stored.Fingerprint, stored.Participant)
                        ?? throw new InvalidOperationException("a stored share does not open under this custodian's root key");
                    dealer = Dealer.ForResharing(parameters, oldShare);
                }
                else if (request.Index is null)
                {
                    return Refusal.Conflict("no-share", "this custodian holds no share of the old group and is not a participant of the new one");
                }
            }
            if (request.Index is { } index) recipient = new Recipient(parameters, index);
        }
        catch (ArgumentException e)
        {
            dealer?.Dispose();
            return Refusal.Invalid(e.Message);
        }

        var shares = new List<EncryptedDealtShare>();
        if (dealer is not null)
        {
            foreach (var participant in request.Participants)
            {
                var key = VerificationKey.FromSpki(participant.DkgPublicKey);
                if (key is not { Algorithm: SignatureAlgorithm.EcdsaP256Sha256 })
                {
                    dealer.Dispose();
                    recipient?.Dispose();
                    return Refusal.Invalid($"participant {participant.Index}'s DKG key is not a P-256 public key");
                }
                using var dealt = dealer.ShareFor(participant.Index);
                using var encoded = dealt.Encode();
                var sealedShare = EncryptedShare.Encrypt(key, encoded.Reveal(), Ceremony(request.RoundId, dealer.Index), participant.Name);
                shares.Add(new EncryptedDealtShare(dealer.Index, participant.Index, sealedShare.Encode()));
            }
        }
        var round = new Round(request.RoundId, server, request.Kind, request.KeyId, request.KeyVersion, parameters, dealer, recipient, time.GetUtcNow() + RoundLifetime);
        if (!_rounds.TryAdd(round.Id, round))
        {
            round.Dispose();
            return Refusal.Conflict("round-exists", $"round {request.RoundId} is open already");
        }
        await audit.AppendAsync(audit.Event(server, "custodian.round.open", AuditOutcome.Allowed, null, request.KeyId, request.KeyVersion, new Dictionary<string, string>
        {
            ["round"] = round.Id, ["kind"] = round.Kind, ["threshold"] = request.Threshold.ToString(),
            ["participants"] = string.Join(",", request.Participants.Select(p => $"{p.Index}:{p.Name}")),
            ["index"] = request.Index?.ToString() ?? "-", ["dealer"] = dealer?.Index.ToString() ?? "-",
        }), cancellationToken);
        return new OpenRoundResponse(dealer?.Dealing.Encode(), shares);
    }

    /// <summary>Checks the dealings and the shares addressed to this custodian; returns its complaints.</summary>
    public Task<Outcome<ReceiveResponse>> ReceiveAsync(string server, string roundId, ReceiveRequest request, CancellationToken cancellationToken) =>
        StepAsync<ReceiveResponse>(server, roundId, "receive", async round =>
        {
            if (round.Recipient is not { } recipient) return Refusal.Conflict("not-a-recipient", "this custodian receives no share in this round");
            if (round.Received) return Refusal.Conflict("step-done", "this round's shares were received already");
            if (request.Dealings.Count > round.Parameters.Dealers.Count || request.Shares.Count > round.Parameters.Dealers.Count)
                return Refusal.Invalid("more dealings or shares than the round has dealers");
            var complaints = new List<byte[]>();
            try
            {
                foreach (var raw in request.Dealings)
                {
                    if (Dealing.TryDecode(raw) is not { } dealing) return Refusal.Invalid("a dealing is malformed");
                    using var share = OpenShare(round, dealing.Dealer, request.Shares.FirstOrDefault(s => s.Dealer == dealing.Dealer && s.Recipient == recipient.Index));
                    if (recipient.Receive(dealing, share) is { } complaint) complaints.Add(complaint.Encode());
                }
            }
            catch (ArgumentException e)
            {
                return Refusal.Invalid(e.Message);
            }
            round.Received = true;
            await audit.AppendAsync(audit.Event(server, "custodian.round.receive", AuditOutcome.Allowed, null, round.KeyId, round.KeyVersion,
                new Dictionary<string, string> { ["round"] = round.Id, ["dealings"] = request.Dealings.Count.ToString(), ["complaints"] = complaints.Count.ToString() }),
                cancellationToken);
            return new ReceiveResponse(complaints);
        }, cancellationToken);

    /// <summary>Answers complaints against this custodian's dealing.</summary>
    public Task<Outcome<AnswerResponse>> AnswerAsync(string server, string roundId, AnswerRequest request, CancellationToken cancellationToken) =>
        StepAsync<AnswerResponse>(server, roundId, "answer", async round =>
        {
            if (round.Dealer is not { } dealer) return Refusal.Conflict("not-a-dealer", "this custodian deals nothing in this round");
            if (request.Complaints.Count > round.Parameters.Participants.Count) return Refusal.Invalid("more complaints than participants");
            var answers = new List<byte[]>();
            foreach (var raw in request.Complaints)
            {
                if (Complaint.TryDecode(raw) is not { } complaint || complaint.Dealer != dealer.Index || !round.Parameters.Participants.Contains(complaint.Complainant))
                    return Refusal.Invalid("a complaint is malformed or not against this custodian's dealing");
                answers.Add(dealer.Answer(complaint).Encode());
            }
            await audit.AppendAsync(audit.Event(server, "custodian.round.answer", AuditOutcome.Allowed, null, round.KeyId, round.KeyVersion,
                new Dictionary<string, string> { ["round"] = round.Id, ["answers"] = answers.Count.ToString() }), cancellationToken);
            return new AnswerResponse(answers);
        }, cancellationToken);

    /// <summary>Checks the transcript and keeps this custodian's new share, sealed and pending.</summary>
    public Task<Outcome<FinishResponse>> FinishAsync(string server, string roundId, FinishRequest request, CancellationToken cancellationToken) =>
        StepAsync<FinishResponse>(server, roundId, "finish", async round =>
        {
            if (round.Recipient is not { } recipient) return Refusal.Conflict("not-a-recipient", "this custodian receives no share in this round");
            if (!round.Received || round.Finished) return Refusal.Conflict("step-out-of-order", "finish comes once, after receive");
            int max = round.Parameters.Dealers.Count * round.Parameters.Participants.Count;
            if (request.Dealings.Count > round.Parameters.Dealers.Count || request.Complaints.Count > max || request.Answers.Count > max)
                return Refusal.Invalid("the transcript is larger than the round allows");
            var dealings = request.Dealings.Select(d => Dealing.TryDecode(d)).ToList();
            var complaints = request.Complaints.Select(c => Complaint.TryDecode(c)).ToList();
            var answers = request.Answers.Select(a => ComplaintAnswer.TryDecode(a)).ToList();
            if (dealings.Any(d => d is null) || complaints.Any(c => c is null) || answers.Any(a => a is null)) return Refusal.Invalid("the transcript holds a malformed message");
            DkgResult result;
            try
            {
                var transcript = new DkgTranscript(round.Parameters, dealings!, complaints!, answers!);
                result = recipient.Finish(transcript);
            }
            catch (ArgumentException e)
            {
                return Refusal.Invalid(e.Message);
            }
            using (result)
            {
                if (!result.Succeeded || result.Share is not { } share || result.Group is not { } group)
                {
                    await audit.AppendAsync(audit.Event(server, "custodian.round.finish", AuditOutcome.Failed, "round-failed", round.KeyId, round.KeyVersion,
                        new Dictionary<string, string> { ["round"] = round.Id, ["reason"] = result.Problem ?? "failed" }), cancellationToken);
                    return Refusal.Conflict("round-failed", result.Problem ?? "the round failed");
                }
                var row = new StoredShare(round.KeyId, round.KeyVersion, group.Fingerprint, share.Index, group.Encode(),
                    ShareSeal.Seal(me.Seal, share, round.KeyId, round.KeyVersion, group.Fingerprint), ShareState.Pending, round.Id, time.GetUtcNow());
                var added = await store.AddPendingAsync(row, audit.Event(server, "custodian.round.finish", AuditOutcome.Allowed, null, round.KeyId, round.KeyVersion,
                    new Dictionary<string, string> { ["round"] = round.Id, ["fingerprint"] = group.Fingerprint, ["index"] = share.Index.ToString(), ["state"] = "pending" }),
                    cancellationToken);
                if (!added) return Refusal.Conflict("share-exists", "this custodian already holds a share of that group");
                round.Finished = true;
                return new FinishResponse(group.Fingerprint, group.Encode(), share.Index, share.PublicShare.Encode());
            }
        }, cancellationToken);

    /// <summary>Drops a round (its dealer and received values are zeroed) and any pending share it made.</summary>
    public async Task<Outcome<CommitResponse>> AbortAsync(string server, string roundId, CancellationToken cancellationToken)
    {
        if (!RoundIdPattern().IsMatch(roundId))
            return await RefuseAsync(server, "custodian.round.abort", roundId, Refusal.Invalid("a round id is 32 lower-case hex characters"), cancellationToken);
        string? keyId = null;
        int? version = null;
        if (_rounds.TryGetValue(roundId, out var round))
        {
            if (round.Server != server)
                return await RefuseAsync(server, "custodian.round.abort", roundId, Refusal.Conflict("other-server", "the round was opened by another server"), cancellationToken);
            if (_rounds.TryRemove(roundId, out _))
            {
                await round.Gate.WaitAsync(cancellationToken);
                round.Dispose();
            }
            (keyId, version) = (round.KeyId, round.KeyVersion);
        }
        int deleted = await store.DeletePendingAsync(null, 0, null, roundId,
            audit.Event(server, "custodian.round.abort", AuditOutcome.Allowed, null, keyId, version, new Dictionary<string, string> { ["round"] = roundId }), cancellationToken);
        return new CommitResponse(0, deleted);
    }

    /// <summary>Drops every open round of a key version (after a commit or a destroy).</summary>
    internal void Forget(string keyId, int keyVersion)
    {
        foreach (var round in _rounds.Values.Where(r => r.KeyId == keyId && r.KeyVersion == keyVersion).ToList())
        {
            if (_rounds.TryRemove(round.Id, out _)) round.Dispose();
        }
    }

    private async Task<Outcome<T>> StepAsync<T>(string server, string roundId, string step, Func<Round, Task<Outcome<T>>> work, CancellationToken cancellationToken)
    {
        if (Find(server, roundId) is { } refused) return await RefuseAsync(server, "custodian.round." + step, roundId, refused, cancellationToken);
        if (!_rounds.TryGetValue(roundId, out var round))
            return await RefuseAsync(server, "custodian.round." + step, roundId, Refusal.NotFound("no-such-round", $"round {roundId} was aborted"), cancellationToken);
        await round.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!_rounds.ContainsKey(roundId)) return await RefuseAsync(server, "custodian.round." + step, roundId, Refusal.NotFound("no-such-round", $"round {roundId} was aborted"), cancellationToken);
            var outcome = await work(round);
            if (outcome.Refusal is { } refusal && step != "finish")
                await audit.AppendAsync(audit.Event(server, "custodian.round." + step, AuditOutcome.Failed, refusal.Code, round.KeyId, round.KeyVersion,
                    new Dictionary<string, string> { ["round"] = round.Id, ["reason"] = refusal.Detail }), cancellationToken);
            return outcome;
        }
        finally
        {
            round.Gate.Release();
        }
    }

    // Why `server` may not drive round `roundId` now, or null.
    private Refusal? Find(string server, string roundId)
    {
        if (!RoundIdPattern().IsMatch(roundId)) return Refusal.Invalid("a round id is 32 lower-case hex characters");
        if (!_rounds.TryGetValue(roundId, out var round) || round.Expires < time.GetUtcNow())
            return Refusal.NotFound("no-such-round", $"no open round {roundId} here (it expired, was aborted, or this custodian restarted)");
        return round.Server != server ? Refusal.Conflict("other-server", "the round was opened by another server") : null;
    }

    private async Task<Refusal> RefuseAsync(string server, string operation, string roundId, Refusal refusal, CancellationToken cancellationToken)
    {
        var evidence = new Dictionary<string, string> { ["reason"] = refusal.Detail };
        if (RoundIdPattern().IsMatch(roundId)) evidence["round"] = roundId;
        await audit.AppendAsync(audit.Event(server, operation, AuditOutcome.Failed, refusal.Code, evidence: evidence), cancellationToken);
        return refusal;
    }

    // The dealt share from `dealer` to this custodian, decrypted; null (a Missing complaint) when absent or it does not open.
    private DealtShare? OpenShare(Round round, int dealer, EncryptedDealtShare? encrypted)
    {
        if (encrypted is null || encrypted.Ciphertext.Length > 2048 || EncryptedShare.TryParse(encrypted.Ciphertext) is not { } box) return null;
        if (box.CeremonyId != Ceremony(round.Id, dealer) || box.Operator != me.Name) return null;
        using var plain = box.Decrypt(me.DkgKey);
        if (plain is null) return null;
        var share = DealtShare.TryDecode(plain.Reveal());
        if (share is not null && (share.Dealer != dealer || share.Recipient != round.Recipient!.Index))
        {
            share.Dispose();
            return null;
        }
        return share;
    }

    private static string Ceremony(string roundId, int dealer) => $"{roundId}.{dealer}";

    private Refusal? CheckOpen(OpenRoundRequest r)
    {
        if (!RoundIdPattern().IsMatch(r.RoundId)) return Refusal.Invalid("roundId is 32 lower-case hex characters");
        if (r.Kind is not ("generate" or "reshare")) return Refusal.Invalid("kind is 'generate' or 'reshare'");
        if (CheckKey(r.KeyId, r.KeyVersion) is { } key) return key;
        if (r.Participants.Count is < 2 or > CustodianProtocol.MaxParticipants) return Refusal.Invalid($"a round has 2 to {CustodianProtocol.MaxParticipants} participants");
        if (r.Threshold < 2 || r.Threshold > r.Participants.Count) return Refusal.Invalid("threshold is 2 to the number of participants");
        if (r.Participants.Any(p => p.Index is < 1 or > 255 || !HttpThresholdCustodians.IsValidName(p.Name) || p.DkgPublicKey.Length > VerificationKey.MaxSpkiBytes))
            return Refusal.Invalid("participants need an index 1-255, a name and a DKG public key");
        if (r.Participants.Select(p => p.Index).Distinct().Count() != r.Participants.Count || r.Participants.Select(p => p.Name).Distinct().Count() != r.Participants.Count)
            return Refusal.Invalid("participant indexes and names must be distinct");
        if (r.Index is { } index && r.Participants.FirstOrDefault(p => p.Index == index)?.Name != me.Name)
            return Refusal.Invalid($"index {index} is not this custodian ('{me.Name}') in the participants");
        if (r.Kind == "generate" && r.Index is null) return Refusal.Invalid("in key generation every participant has an index");
        if (r.Dealers is { Count: > CustodianProtocol.MaxParticipants }) return Refusal.Invalid("too many dealers");
        if (r.OldGroup is { Length: > 4096 }) return Refusal.Invalid("oldGroup is too large");
        return null;
    }

    /// <summary>Bounds a key id and version.</summary>
    internal static Refusal? CheckKey(string? keyId, int keyVersion)
    {
        if (string.IsNullOrEmpty(keyId) || System.Text.Encoding.UTF8.GetByteCount(keyId) > CustodianProtocol.MaxKeyId || keyId.Any(char.IsControl))
            return Refusal.Invalid($"keyId is 1 to {CustodianProtocol.MaxKeyId} bytes without control characters");
        if (keyVersion < 1) return Refusal.Invalid("keyVersion is at least 1");
        return null;
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var round in _rounds.Values.Where(r => r.Expires < now).ToList())
        {
            if (_rounds.TryRemove(round.Id, out _)) round.Dispose();
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RoundIdPattern();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var round in _rounds.Values) round.Dispose();
        _rounds.Clear();
    }
}

/// <summary>Who this custodian is: its name, root key (seals shares) and DKG key (opens dealt shares).</summary>
public sealed class CustodianIdentity(string name, CustodianSeal seal, ShareDecryptionKey dkgKey) : IDisposable
{
    /// <summary>Its name.</summary>
    public string Name { get; } = name;
    /// <summary>What seals its shares and audit signing key (a key file or an HSM key; never logged).</summary>
    public CustodianSeal Seal { get; } = seal;
    /// <summary>The DKG key.</summary>
    public ShareDecryptionKey DkgKey { get; } = dkgKey;

    /// <inheritdoc />
    public void Dispose()
    {
        Seal.Dispose();
        DkgKey.Dispose();
    }
}
