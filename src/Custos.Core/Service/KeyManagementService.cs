using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Threshold;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Service;

/// <summary>What a caller asks for when creating a key; <paramref name="Threshold"/> for custody threshold only (k, custodians, jurisdictions).</summary>
public sealed record CreateKeyCommand(string? Alias, KeyCustody Custody, KeyPurpose Purpose, KeySpec Spec, KeyAttributes Attributes,
    ThresholdSpec? Threshold = null);

/// <summary>An edit of a key: null fields are left as they are.</summary>
public sealed record KeyUpdate
{
    /// <summary>New alias; "" removes it.</summary>
    public string? Alias { get; init; }
    /// <summary>New description.</summary>
    public string? Description { get; init; }
    /// <summary>New owner.</summary>
    public string? Owner { get; init; }
    /// <summary>New classification.</summary>
    public Classification? Classification { get; init; }
    /// <summary>New data categories (replace).</summary>
    public IReadOnlyList<string>? DataCategories { get; init; }
    /// <summary>New allowed jurisdictions (replace).</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; init; }
    /// <summary>New retention in days; 0 clears it.</summary>
    public int? RetentionDays { get; init; }
    /// <summary>New rotation period in days; 0 turns automatic rotation off.</summary>
    public int? RotationPeriodDays { get; init; }
    /// <summary>New tags (replace).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>
/// The control plane: creating keys and moving them through their lifecycle. Every change loads a
/// fresh copy, applies a domain transition and saves it with an optimistic-concurrency check.
/// </summary>
public sealed partial class KeyManagementService(
    KeyResolver resolver, IKeyRepository repository, IKeystoreRegistry keystores, Guard guard,
    AuditRecorder audit, Residency.ResidencyGuard residency, TimeProvider time, ILogger<KeyManagementService> log,
    ThresholdCustody? threshold = null)
{
    private const int MaxAttempts = 5;

    /// <summary>Creates a key and its first version.</summary>
    public async Task<Result<ManagedKey>> CreateAsync(Principal principal, CreateKeyCommand command, CancellationToken cancellationToken)
    {
        var result = await CreateCoreAsync(principal, command, cancellationToken);
        if (result.IsSuccess) return result; // recorded with the key, in the same transaction
        return await audit.RecordAsync(principal, "key.create", result, k => (k.Id, k.PrimaryVersion), null, null, cancellationToken);
    }

    private async Task<Result<ManagedKey>> CreateCoreAsync(Principal principal, CreateKeyCommand command, CancellationToken cancellationToken)
    {
        if (guard.IsSealed) return CustosError.Sealed;
        if (command.Alias is not null && !KeyReference.IsValidAlias(command.Alias))
            return CustosError.Invalid($"alias '{command.Alias}' is not valid: 1-128 characters of letters, digits, '-', '_', '.'");
        if (command.Attributes.Validate() is { } invalid) return invalid;
        if (CheckThresholdCommand(command) is { } invalidThreshold) return invalidThreshold;
        // The keystore is chosen first, so that residency judges the place the material would be made in.
        var keystore = keystores.ForCustody(command.Custody);
        var facts = KeyFacts.Of(command.Alias, command.Attributes) with { Keystores = keystore is null ? [] : [keystore.Name] };
        // Shares only where the key may live: judged before approvals (nobody is asked to approve what residency refuses)
        // and before any custodian is asked to generate.
        if (command.Threshold is { } spec && await threshold!.CheckAsync(facts, spec, cancellationToken) is { } misplaced) return misplaced;
        if (await guard.CheckAsync(principal, Operation.CreateKey, facts, cancellationToken,
                new ApprovalSubject(null, Approvals.ApprovedChange.Describe(command))) is { } denied) return denied;
        if (keystore is null)
            return new CustosError(ErrorCode.CustodyUnavailable, $"custody '{command.Custody.Name()}' is not configured on this server");
        if (command.Alias is not null && await repository.GetByAliasAsync(command.Alias, cancellationToken) is not null)
            return AliasTaken(command.Alias);

        var now = time.GetUtcNow();
        var id = KeyIds.New(time);
        byte[] material;
        try
        {
            material = await keystore.CreateKeyAsync(id, 1, command.Spec, new KeyCreation { Threshold = command.Threshold }, cancellationToken);
        }
        catch (CustodiansUnavailableException e)
        {
            return e.ToError();
        }
        var evidence = await EvidenceAsync(keystore, new KeyVersionRef(id, 1, command.Spec, material), cancellationToken);
        var version = new KeyVersion(1, KeyVersionState.Enabled, keystore.Name, material, now, null, evidence);
        var key = ManagedKey.Create(id, command.Alias, command.Purpose, command.Custody, command.Spec, command.Attributes, version, now);
        SaveOutcome outcome;
        try
        {
            outcome = await repository.InsertAsync(key, await WithMaterialAsync(audit.ForChange(principal, "key.create", id, 1), version, cancellationToken),
                cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            await keystore.DestroyKeyAsync(new KeyVersionRef(id, 1, command.Spec, material), cancellationToken);
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
        if (outcome == SaveOutcome.Saved) principal.Request?.MarkRecorded();
        if (outcome != SaveOutcome.Saved)
        {
            await keystore.DestroyKeyAsync(new KeyVersionRef(id, 1, command.Spec, material), cancellationToken);
            return outcome == SaveOutcome.AliasTaken ? AliasTaken(command.Alias!) : new CustosError(ErrorCode.Conflict, "key id collision; retry");
        }
        resolver.Saved(key);
        LogCreated(log, key.Id, key.Alias, key.Custody.Name(), principal.Id);
        return key;
    }

    /// <summary>One key's metadata.</summary>
    public async Task<Result<ManagedKey>> GetAsync(Principal principal, string reference, CancellationToken cancellationToken)
    {
        Result<ManagedKey> result;
        if (guard.IsSealed) result = CustosError.Sealed;
        else
        {
            result = await resolver.LoadForChangeAsync(reference, cancellationToken);
            if (result.IsSuccess && await guard.CheckAsync(principal, Operation.ReadKey, KeyFacts.Of(result.Value), cancellationToken) is { } denied) result = denied;
        }
        return await audit.RecordAsync(principal, "key.get", result, k => (k.Id, null), KeyIds.IdOrNull(reference), null, cancellationToken);
    }

    /// <summary>A page of keys in id order.</summary>
    public async Task<Result<KeyPage>> ListAsync(Principal principal, string? after, int limit, CancellationToken cancellationToken)
    {
        Result<KeyPage> result;
        if (guard.IsSealed) result = CustosError.Sealed;
        else if (limit is < 1 or > 1000) result = CustosError.Invalid("limit is 1 to 1000");
        else if (after is not null && !KeyIds.IsValid(after)) result = CustosError.Invalid("the page cursor is not valid");
        else result = await ListReadableAsync(principal, after, limit, cancellationToken);
        return await audit.RecordAsync(principal, "key.list", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>
    /// A page of the keys <paramref name="principal"/> may read: all of them when a rule lets it read every key,
    /// else those its rules select (the page may then be shorter than <paramref name="limit"/>; the cursor still
    /// moves over every key). Refused when it may read none of the page's keys and no rule lets it read keys at all.
    /// </summary>
    private async Task<Result<KeyPage>> ListReadableAsync(Principal principal, string? after, int limit, CancellationToken cancellationToken)
    {
        var everything = await guard.CheckAsync(principal, Operation.ReadKey, null, cancellationToken);
        var page = await repository.ListAsync(after, limit, cancellationToken);
        if (everything is null) return page;
        var readable = new List<ManagedKey>(page.Keys.Count);
        foreach (var key in page.Keys)
        {
            if (await guard.CheckAsync(principal, Operation.ReadKey, KeyFacts.Of(key), cancellationToken) is null) readable.Add(key);
        }
        if (readable.Count == 0) return everything;
        return page with { Keys = readable };
    }

    /// <summary>Edits alias and attributes.</summary>
    public Task<Result<ManagedKey>> UpdateAsync(Principal principal, string reference, KeyUpdate update, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.ManageKey, reference, "key.update", (key, now) =>
        {
            var a = key.Attributes;
            var attributes = a with
            {
                Description = update.Description ?? a.Description,
                Owner = update.Owner ?? a.Owner,
                Classification = update.Classification ?? a.Classification,
                DataCategories = update.DataCategories ?? a.DataCategories,
                AllowedJurisdictions = update.AllowedJurisdictions ?? a.AllowedJurisdictions,
                RetentionDays = update.RetentionDays is { } r ? (r == 0 ? null : r) : a.RetentionDays,
                RotationPeriodDays = update.RotationPeriodDays is { } p ? (p == 0 ? null : p) : a.RotationPeriodDays,
                Tags = update.Tags ?? a.Tags,
            };
            var alias = update.Alias is null ? key.Alias : update.Alias.Length == 0 ? null : update.Alias;
            return ValueTask.FromResult(key.Update(alias, attributes, now));
        }, cancellationToken, Approvals.ApprovedChange.Describe(update));

    /// <summary>Disables a key.</summary>
    public Task<Result<ManagedKey>> DisableAsync(Principal principal, string reference, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.DisableKey, reference, "key.disable", (k, now) => ValueTask.FromResult(k.Disable(now)), cancellationToken);

    /// <summary>Enables a disabled key.</summary>
    public Task<Result<ManagedKey>> EnableAsync(Principal principal, string reference, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.ManageKey, reference, "key.enable", (k, now) => ValueTask.FromResult(k.Enable(now)), cancellationToken);

    /// <summary>Schedules destruction after a waiting period of 7 to 30 days.</summary>
    public Task<Result<ManagedKey>> ScheduleDestructionAsync(Principal principal, string reference, int pendingDays, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.DestroyKey, reference, "key.schedule-destruction", (k, now) => ValueTask.FromResult(k.ScheduleDestruction(pendingDays, now)), cancellationToken,
            Approvals.ApprovedChange.DescribeScheduleDestruction(pendingDays));

    /// <summary>Cancels a scheduled destruction.</summary>
    public Task<Result<ManagedKey>> CancelDestructionAsync(Principal principal, string reference, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.ManageKey, reference, "key.cancel-destruction", (k, now) => ValueTask.FromResult(k.CancelDestruction(now)), cancellationToken);

    /// <summary>Adds a new primary version; older versions still decrypt.</summary>
    public Task<Result<ManagedKey>> RotateAsync(Principal principal, string reference, CancellationToken cancellationToken) =>
        ChangeAsync(principal, Operation.RotateKey, reference, "key.rotate", (k, now) => RotateCoreAsync(k, now, cancellationToken), cancellationToken);

    /// <summary>Destroys a key whose waiting period is over (background work).</summary>
    public Task<Result<ManagedKey>> DestroyDueAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(Principal.System, Operation.DestroyKey, id, "key.destroy", async (k, now) =>
        {
            if (!k.IsDueForDestruction(now)) return null; // nothing to do (cancelled meanwhile)
            // Material goes first: a key is never recorded destroyed while its material still exists.
            foreach (var v in k.Versions.Where(v => v.Material is not null))
            {
                if (keystores.ByName(v.Keystore) is not { } keystore)
                    return new CustosError(ErrorCode.CustodyUnavailable, $"keystore '{v.Keystore}' of key {k.Id} is not configured here");
                await keystore.DestroyKeyAsync(new KeyVersionRef(k.Id, v.Number, k.Spec, v.Material!), cancellationToken);
            }
            return k.Destroy(now);
        }, cancellationToken);

    /// <summary>Rotates a key whose rotation period has elapsed (background work).</summary>
    public Task<Result<ManagedKey>> RotateDueAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(Principal.System, Operation.RotateKey, id, "key.auto-rotate",
            (k, now) => k.IsDueForRotation(now) ? RotateCoreAsync(k, now, cancellationToken) : ValueTask.FromResult<CustosError?>(null),
            cancellationToken);

    private async ValueTask<CustosError?> RotateCoreAsync(ManagedKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (key.CheckCanRotate() is { } error) return error;
        if (keystores.ForCustody(key.Custody) is not { } keystore)
            return new CustosError(ErrorCode.CustodyUnavailable, $"custody '{key.Custody.Name()}' is not configured on this server");
        int number = key.NextVersionNumber;
        var creation = KeyCreation.None;
        if (key.Custody == KeyCustody.Threshold)
        {
            // A rotation makes the new version with the primary version's threshold, custodians and jurisdiction requirement.
            if (threshold is null) return ThresholdNotConfigured();
            var previous = key.FindVersion(key.PrimaryVersion)?.Material is { } m ? ThresholdMaterial.TryDecode(m) : null;
            if (previous is null) return new CustosError(ErrorCode.InvalidKeyState, $"key {key.Id} has no threshold material to take the custodians of the new version from");
            if (await threshold.CheckAsync(KeyFacts.Of(key), previous.Spec, cancellationToken) is { } misplaced) return misplaced;
            creation = new KeyCreation { Threshold = previous.Spec };
        }
        byte[] material;
        try
        {
            material = await keystore.CreateKeyAsync(key.Id, number, key.Spec, creation, cancellationToken);
        }
        catch (CustodiansUnavailableException e)
        {
            return e.ToError();
        }
        var evidence = await EvidenceAsync(keystore, new KeyVersionRef(key.Id, number, key.Spec, material), cancellationToken);
        return key.Rotate(new KeyVersion(number, KeyVersionState.Enabled, keystore.Name, material, now, null, evidence), now);
    }

    /// <summary>
    /// What the keystore attests about a new version, read back once and kept with the version. If it
    /// cannot be read, the new material is destroyed again (nothing refers to it yet) and the error goes on.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>?> EvidenceAsync(IKeystore keystore, KeyVersionRef version, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string>? facts;
        try
        {
            facts = await keystore.GetEvidenceAsync(version, cancellationToken);
        }
        catch
        {
            await keystore.DestroyKeyAsync(version, CancellationToken.None);
            throw;
        }
        return facts is null ? null : new SortedDictionary<string, string>(facts.ToDictionary(), StringComparer.Ordinal);
    }

    private async Task<Result<ManagedKey>> ChangeAsync(
        Principal principal, Operation operation, string reference, string auditOperation,
        Func<ManagedKey, DateTimeOffset, ValueTask<CustosError?>> change, CancellationToken cancellationToken, string? approvalSubject = null)
    {
        var (result, recorded) = await ChangeCoreAsync(principal, operation, reference, auditOperation, change, approvalSubject, cancellationToken);
        if (recorded) return result; // the event was written with the change, in the same transaction
        return await audit.RecordAsync(principal, auditOperation, result, k => (k.Id, k.PrimaryVersion), KeyIds.IdOrNull(reference), null, cancellationToken);
    }

    private async Task<(Result<ManagedKey> Result, bool Recorded)> ChangeCoreAsync(
        Principal principal, Operation operation, string reference, string auditOperation,
        Func<ManagedKey, DateTimeOffset, ValueTask<CustosError?>> change, string? approvalSubject, CancellationToken cancellationToken)
    {
        if (guard.IsSealed) return (CustosError.Sealed, false);
        // What an approval must name exactly (ApprovedChange): the action and, for those that have them, its parameters.
        var subject = new ApprovalSubject(null, approvalSubject ?? auditOperation);
        for (int attempt = 1; ; attempt++)
        {
            var loaded = await resolver.LoadForChangeAsync(reference, cancellationToken);
            if (!loaded.IsSuccess) return (loaded, false);
            var key = loaded.Value;
            var factsBefore = Facts(key, operation);
            if (await guard.CheckAsync(principal, operation, factsBefore, cancellationToken, subject) is { } denied) return (denied, false);
            var before = key.Revision;
            var versionsBefore = key.Versions.Count;
            if (await change(key, time.GetUtcNow()) is { } refused) return (refused, false);
            if (!key.HasChanges) return (key, false); // nothing to save (e.g. disable a disabled key)
            // An edit must also be allowed for what the key becomes (no escaping a rule by reclassifying or retagging), and
            // residency for it: the keystores and, for a threshold key, the custodians holding its shares (KeyFacts.Shares).
            if (operation == Operation.ManageKey && await guard.CheckAsync(principal, operation, KeyFacts.Of(key), cancellationToken, subject, factsBefore) is { } deniedAfter)
            {
                await DropNewMaterialAsync(key, versionsBefore, cancellationToken);
                return (deniedAfter, false);
            }
            SaveOutcome outcome;
            try
            {
                var auditEvent = audit.ForChange(principal, auditOperation, key.Id, key.PrimaryVersion);
                if (key.Versions.Count > versionsBefore) auditEvent = await WithMaterialAsync(auditEvent, key.Versions[^1], cancellationToken);
                outcome = await repository.UpdateAsync(key, auditEvent, cancellationToken);
            }
            catch (CustosUnavailableException)
            {
                await DropNewMaterialAsync(key, versionsBefore, cancellationToken);
                principal.Request?.MarkRefusedUnrecorded();
                return (AuditRecorder.AuditUnavailable, true);
            }
            switch (outcome)
            {
                case SaveOutcome.Saved:
                    principal.Request?.MarkRecorded();
                    resolver.Saved(key);
                    LogChanged(log, auditOperation, key.Id, before, key.Revision, principal.Id);
                    return (key, true);
                case SaveOutcome.AliasTaken:
                    await DropNewMaterialAsync(key, versionsBefore, cancellationToken);
                    return (AliasTaken(key.Alias!), false);
                case SaveOutcome.Conflict when attempt < MaxAttempts:
                    await DropNewMaterialAsync(key, versionsBefore, cancellationToken);
                    continue;
                default:
                    await DropNewMaterialAsync(key, versionsBefore, cancellationToken);
                    return (new CustosError(ErrorCode.Conflict, $"key {key.Id} is being changed concurrently; retry"), false);
            }
        }
    }

    /// <summary>
    /// The facts the guard judges: the key as it is and, for a rotation, the keystore the new version will be made in
    /// (which may not be where the older versions live), so that residency refuses a rotation into the wrong place.
    /// </summary>
    private KeyFacts Facts(ManagedKey key, Operation operation)
    {
        var facts = KeyFacts.Of(key);
        if (operation != Operation.RotateKey || keystores.ForCustody(key.Custody) is not { } target || facts.Keystores.Contains(target.Name)) return facts;
        return facts with { Keystores = [.. facts.Keystores, target.Name] };
    }

    /// <summary>
    /// The event with where the new material was made (keystore, country, operator, who can compel it; when the keystore
    /// declares a location) and what the keystore attested about it (HSM attributes), so that both are in the log, not
    /// only in the key's record.
    /// </summary>
    private async ValueTask<AuditEvent?> WithMaterialAsync(AuditEvent? auditEvent, KeyVersion version, CancellationToken cancellationToken) =>
        auditEvent is null ? null : auditEvent with
        {
            Location = await residency.DescribeAsync(version.Keystore, cancellationToken),
            Evidence = version.Evidence is { Count: > 0 } evidence ? new SortedDictionary<string, string>(evidence.ToDictionary(), StringComparer.Ordinal) : null,
            Threshold = ThresholdOf(version) is { } material ? threshold!.Describe(material) : null,
        };

    private async Task DropNewMaterialAsync(ManagedKey key, int versionsBefore, CancellationToken cancellationToken)
    {
        foreach (var v in key.Versions.Skip(versionsBefore))
        {
            if (v.Material is not null && keystores.ByName(v.Keystore) is { } ks)
                await ks.DestroyKeyAsync(new KeyVersionRef(key.Id, v.Number, key.Spec, v.Material), cancellationToken);
        }
    }

    private static CustosError AliasTaken(string alias) => new(ErrorCode.AliasAlreadyExists, $"alias/{alias} is already used by another key");

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "key {KeyId} created (alias {Alias}, custody {Custody}) by {Principal}")]
    private static partial void LogCreated(ILogger logger, string keyId, string? alias, string custody, string principal);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "key {KeyId}: {Verb} (revision {Before} -> {After}) by {Principal}")]
    private static partial void LogChanged(ILogger logger, string verb, string keyId, long before, long after, string principal);
}
