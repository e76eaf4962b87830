using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Threshold;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Service;

/// <summary>A resharing of one threshold key version: null fields keep the version's current value.</summary>
/// <param name="Threshold">New k.</param>
/// <param name="Custodians">New custodians (the same names for a refresh in place).</param>
/// <param name="MinJurisdictions">New jurisdiction requirement.</param>
public sealed record ReshareCommand(int? Threshold = null, IReadOnlyList<string>? Custodians = null, int? MinJurisdictions = null);

/// <summary>Threshold custody in the key service: the checks of threshold parameters and custodians, and resharing.</summary>
public sealed partial class KeyManagementService
{
    /// <summary>
    /// Reshares version <paramref name="version"/> of a threshold key to the custodians and threshold of <paramref name="command"/>
    /// (policy operation <c>reshare</c>, with approvals where a rule asks for them): residency is checked first, the
    /// custodians reshare (the public key does not change, so everything wrapped before still opens), the new material replaces
    /// the old together with the <c>key.reshare</c> event (old and new group), and only then are the new shares made active and
    /// the old ones deleted at the custodians. If the save fails, the pending new shares are dropped.
    /// </summary>
    public async Task<Result<ManagedKey>> ReshareAsync(Principal principal, string reference, int version, ReshareCommand command, CancellationToken cancellationToken)
    {
        var (result, recorded) = await ReshareCoreAsync(principal, reference, version, command, cancellationToken);
        if (recorded) return result;
        return await audit.RecordAsync(principal, "key.reshare", result, k => (k.Id, version), KeyIds.IdOrNull(reference), null, cancellationToken);
    }

    private async Task<(Result<ManagedKey> Result, bool Recorded)> ReshareCoreAsync(Principal principal, string reference, int number, ReshareCommand command,
        CancellationToken cancellationToken)
    {
        if (guard.IsSealed) return (CustosError.Sealed, false);
        if (threshold is null) return (ThresholdNotConfigured(), false);
        var loaded = await resolver.LoadForChangeAsync(reference, cancellationToken);
        if (!loaded.IsSuccess) return (loaded, false);
        var key = loaded.Value;
        // A caller the policy refuses learns nothing more about the key (its custody, its versions) than that.
        if (await guard.DeniedAsync(principal, Operation.ReshareKey, KeyFacts.Of(key), cancellationToken) is { } forbidden) return (forbidden, false);
        if (key.Custody != KeyCustody.Threshold) return (CustosError.Invalid($"key {key.Id} is of custody {key.Custody.Name()}: only threshold keys are reshared"), false);
        if (key.FindVersion(number) is not { } version) return (new CustosError(ErrorCode.NotFound, $"key {key.Id} has no version {number}"), false);
        if (version.Material is null) return (new CustosError(ErrorCode.KeyDestroyed, $"version {number} of key {key.Id} is destroyed"), false);
        if (keystores.ByName(version.Keystore) is not { } keystore)
            return (new CustosError(ErrorCode.CustodyUnavailable, $"keystore '{version.Keystore}' is not configured on this server"), false);
        var current = ThresholdMaterial.TryDecode(version.Material) ?? throw Error.Invariant($"the threshold material of {key.Id} v{number} does not decode");
        int k = command.Threshold ?? current.Group.Threshold;
        var next = new ThresholdSpec(k, command.Custodians ?? current.Custodians.Values.ToList(), command.MinJurisdictions ?? Math.Min(current.MinJurisdictions, Math.Max(k, 1)));
        if (ThresholdSpecs.Validate(next, threshold.Custodians.Custodians) is { } invalid) return (invalid, false);

        // The version's current shares are being replaced, so they are not judged (resharing is how a key whose custodians
        // are no longer allowed is put right); the other versions' shares are.
        var facts = KeyFacts.Of(key) with { Shares = KeyFacts.LiveShares(key, except: number) };
        // Shares only where the key may live: judged before approvals and before any custodian is asked to deal.
        if (await threshold.CheckAsync(facts, next, cancellationToken) is { } misplaced) return (misplaced, false);
        if (await guard.CheckAsync(principal, Operation.ReshareKey, facts, cancellationToken,
                new ApprovalSubject(null, Approvals.ApprovedChange.DescribeReshare(number, next))) is { } denied) return (denied, false);
        if (key.State is KeyState.Destroyed or KeyState.PendingDestruction)
            return (new CustosError(ErrorCode.InvalidKeyState, $"cannot reshare key {key.Id}: it is {key.State.Name()}"), false);

        ThresholdMaterial reshared;
        try
        {
            reshared = await threshold.Custodians.ReshareAsync(current, key.Id, number, next, cancellationToken);
        }
        catch (ThresholdException e)
        {
            return (new CustosError(ErrorCode.CustodiansUnavailable, $"resharing failed: {e.Message}"), false);
        }
        var encoded = reshared.Encode();
        var evidence = await keystore.GetEvidenceAsync(new KeyVersionRef(key.Id, number, key.Spec, encoded), cancellationToken);
        if (key.ReplaceMaterial(number, encoded, evidence is null ? null : new SortedDictionary<string, string>(evidence.ToDictionary(), StringComparer.Ordinal),
                time.GetUtcNow()) is { } refused)
        {
            await threshold.Custodians.AbortReshareAsync(reshared, key.Id, number, CancellationToken.None);
            return (refused, false);
        }
        SaveOutcome outcome;
        try
        {
            var auditEvent = audit.ForChange(principal, "key.reshare", key.Id, number) is { } e ? e with { Threshold = threshold.Describe(reshared, current) } : null;
            outcome = await repository.UpdateAsync(key, auditEvent, cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            await threshold.Custodians.AbortReshareAsync(reshared, key.Id, number, CancellationToken.None);
            principal.Request?.MarkRefusedUnrecorded();
            return (AuditRecorder.AuditUnavailable, true);
        }
        catch
        {
            await threshold.Custodians.AbortReshareAsync(reshared, key.Id, number, CancellationToken.None); // cancelled or failed: nothing was saved
            throw;
        }
        if (outcome != SaveOutcome.Saved)
        {
            await threshold.Custodians.AbortReshareAsync(reshared, key.Id, number, CancellationToken.None);
            return (new CustosError(ErrorCode.Conflict, $"key {key.Id} was changed while it was being reshared; retry"), false);
        }
        principal.Request?.MarkRecorded();
        resolver.Saved(key); // the cached copy holds the old group, whose partials no longer combine
        var unreachable = await threshold.Custodians.CommitReshareAsync(current, reshared, key.Id, number, CancellationToken.None);
        if (unreachable.Count > 0) LogCommitUnreachable(log, key.Id, number, string.Join(", ", unreachable));
        LogReshared(log, key.Id, number, current.Group.Fingerprint, reshared.Group.Fingerprint, principal.Id);
        return (key, true);
    }

    /// <summary>The threshold material of a version held by custodians; null for other custodies.</summary>
    private ThresholdMaterial? ThresholdOf(KeyVersion version) =>
        threshold is not null && version.Material is { } m && keystores.ByName(version.Keystore)?.Custody == KeyCustody.Threshold
            ? ThresholdMaterial.TryDecode(m) : null;

    /// <summary>Null when the command's threshold parameters fit its custody (and, for threshold, are valid for the custodians here).</summary>
    private CustosError? CheckThresholdCommand(CreateKeyCommand command)
    {
        if (command.Custody != KeyCustody.Threshold)
            return command.Threshold is null ? null : CustosError.Invalid($"'threshold' is only for custody threshold, not {command.Custody.Name()}");
        if (command.Threshold is not { } spec)
            return CustosError.Invalid("a key of custody threshold needs 'threshold': { \"k\": K, \"custodians\": [...], \"minJurisdictions\": M }");
        if (threshold is null) return ThresholdNotConfigured();
        return ThresholdSpecs.Validate(spec, threshold.Custodians.Custodians);
    }

    private static CustosError ThresholdNotConfigured() =>
        new(ErrorCode.CustodyUnavailable, "custody 'threshold' is not configured on this server (no custodians)");

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "key {KeyId} v{Version} reshared: group {Before} -> {After} by {Principal}")]
    private static partial void LogReshared(ILogger logger, string keyId, int version, string before, string after, string principal);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning,
        Message = "key {KeyId} v{Version} reshared, but custodians {Custodians} could not be told to activate the new shares and delete the old ones; tell them again")]
    private static partial void LogCommitUnreachable(ILogger logger, string keyId, int version, string custodians);
}
