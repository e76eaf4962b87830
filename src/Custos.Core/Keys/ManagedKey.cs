using Custos.Core.Errors;

namespace Custos.Core.Keys;

/// <summary>
/// A key and its versions: the aggregate the lifecycle rules act on. Transitions return an error
/// when they are not allowed from the current state, and change nothing then. An instance loaded
/// for a change is private to that change; once saved it is only read.
/// </summary>
public sealed class ManagedKey
{
    /// <summary>Default waiting period before destruction.</summary>
    public const int DefaultPendingDays = 30;
    /// <summary>Shortest waiting period.</summary>
    public const int MinPendingDays = 7;
    /// <summary>Longest waiting period.</summary>
    public const int MaxPendingDays = 30;

    private readonly List<KeyVersion> _versions;

    /// <summary>Rebuilds a key from storage. Use <see cref="Create"/> for a new key.</summary>
    public ManagedKey(
        string id, string? alias, KeyPurpose purpose, KeyCustody custody, KeySpec spec, KeyAttributes attributes,
        KeyState state, KeyState? stateBeforeDestruction, DateTimeOffset? destructionDate,
        int primaryVersion, DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset lastRotatedAt,
        long revision, IEnumerable<KeyVersion> versions)
    {
        Id = id;
        Alias = alias;
        Purpose = purpose;
        Custody = custody;
        Spec = spec;
        Attributes = attributes;
        State = state;
        StateBeforeDestruction = stateBeforeDestruction;
        DestructionDate = destructionDate;
        PrimaryVersion = primaryVersion;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        LastRotatedAt = lastRotatedAt;
        Revision = revision;
        _versions = versions.OrderBy(v => v.Number).ToList();
        if (_versions.Count == 0 || _versions.All(v => v.Number != primaryVersion))
            throw Error.Invariant($"key {id} has no primary version {primaryVersion}");
    }

    /// <summary>A new key whose first version's material is <paramref name="firstVersion"/>.</summary>
    public static ManagedKey Create(string id, string? alias, KeyPurpose purpose, KeyCustody custody, KeySpec spec,
        KeyAttributes attributes, KeyVersion firstVersion, DateTimeOffset now) =>
        new(id, alias, purpose, custody, spec, attributes, KeyState.Enabled, null, null, firstVersion.Number,
            now, now, now, 0, [firstVersion]);

    /// <summary>Immutable id (a UUIDv7).</summary>
    public string Id { get; }
    /// <summary>Alias name without the <c>alias/</c> prefix.</summary>
    public string? Alias { get; private set; }
    /// <summary>What the key is for.</summary>
    public KeyPurpose Purpose { get; }
    /// <summary>Where the material lives.</summary>
    public KeyCustody Custody { get; }
    /// <summary>The algorithm.</summary>
    public KeySpec Spec { get; }
    /// <summary>Inventory attributes.</summary>
    public KeyAttributes Attributes { get; private set; }
    /// <summary>Lifecycle state.</summary>
    public KeyState State { get; private set; }
    /// <summary>While pending destruction: the state a cancellation returns to.</summary>
    public KeyState? StateBeforeDestruction { get; private set; }
    /// <summary>While pending destruction: when the material will be destroyed.</summary>
    public DateTimeOffset? DestructionDate { get; private set; }
    /// <summary>The version that encrypts.</summary>
    public int PrimaryVersion { get; private set; }
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; }
    /// <summary>Last change time.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>When the primary version was made.</summary>
    public DateTimeOffset LastRotatedAt { get; private set; }
    /// <summary>Optimistic-concurrency counter, incremented by each save.</summary>
    public long Revision { get; private set; }
    /// <summary>Versions in order.</summary>
    public IReadOnlyList<KeyVersion> Versions => _versions;

    /// <summary>When automatic rotation is next due; null without a rotation period or when not enabled.</summary>
    public DateTimeOffset? NextRotationAt =>
        State == KeyState.Enabled && Attributes.RotationPeriodDays is int days ? LastRotatedAt.AddDays(days) : null;

    /// <summary>The primary version.</summary>
    public KeyVersion Primary => _versions.First(v => v.Number == PrimaryVersion);

    /// <summary>A version by number, or null.</summary>
    public KeyVersion? FindVersion(int number) => _versions.FirstOrDefault(v => v.Number == number);

    /// <summary>Null when the key may be used for cryptography now; otherwise why not.</summary>
    public CustosError? CheckUsable() => State switch
    {
        KeyState.Enabled => null,
        KeyState.Disabled => new(ErrorCode.KeyDisabled, $"key {Describe()} is disabled"),
        KeyState.PendingDestruction => new(ErrorCode.KeyPendingDestruction, $"key {Describe()} is pending destruction on {DestructionDate:yyyy-MM-dd}; cancel the destruction to use it"),
        KeyState.Destroyed => new(ErrorCode.KeyDestroyed, $"key {Describe()} is destroyed"),
        _ => throw Error.Invariant("unknown state"),
    };

    /// <summary>Enabled → Disabled.</summary>
    public CustosError? Disable(DateTimeOffset now)
    {
        if (State == KeyState.Disabled) return null;
        if (State != KeyState.Enabled) return IllegalTransition("disable");
        State = KeyState.Disabled;
        return Touch(now);
    }

    /// <summary>Disabled → Enabled.</summary>
    public CustosError? Enable(DateTimeOffset now)
    {
        if (State == KeyState.Enabled) return null;
        if (State != KeyState.Disabled) return IllegalTransition("enable");
        State = KeyState.Enabled;
        return Touch(now);
    }

    /// <summary>Enabled or Disabled → PendingDestruction, destroyed after <paramref name="pendingDays"/> (7 to 30).</summary>
    public CustosError? ScheduleDestruction(int pendingDays, DateTimeOffset now)
    {
        if (pendingDays is < MinPendingDays or > MaxPendingDays)
            return CustosError.Invalid($"pendingDays must be between {MinPendingDays} and {MaxPendingDays}");
        if (State is not (KeyState.Enabled or KeyState.Disabled)) return IllegalTransition("schedule destruction of");
        StateBeforeDestruction = State;
        State = KeyState.PendingDestruction;
        DestructionDate = now.AddDays(pendingDays);
        return Touch(now);
    }

    /// <summary>PendingDestruction → the state it was in before.</summary>
    public CustosError? CancelDestruction(DateTimeOffset now)
    {
        if (State != KeyState.PendingDestruction) return IllegalTransition("cancel destruction of");
        State = StateBeforeDestruction ?? KeyState.Disabled;
        StateBeforeDestruction = null;
        DestructionDate = null;
        return Touch(now);
    }

    /// <summary>True when the waiting period is over.</summary>
    public bool IsDueForDestruction(DateTimeOffset now) => State == KeyState.PendingDestruction && DestructionDate <= now;

    /// <summary>True when automatic rotation is due.</summary>
    public bool IsDueForRotation(DateTimeOffset now) => NextRotationAt <= now;

    /// <summary>PendingDestruction (after the waiting period) → Destroyed; every version's material is dropped.</summary>
    public CustosError? Destroy(DateTimeOffset now)
    {
        if (!IsDueForDestruction(now)) return IllegalTransition("destroy");
        foreach (var v in _versions) v.MarkDestroyed(now);
        State = KeyState.Destroyed;
        StateBeforeDestruction = null;
        return Touch(now);
    }

    /// <summary>Checks that a rotation is allowed (only enabled keys rotate); null when it is.</summary>
    public CustosError? CheckCanRotate() => State == KeyState.Enabled ? null : IllegalTransition("rotate");

    /// <summary>The number the next version gets.</summary>
    public int NextVersionNumber => _versions[^1].Number + 1;

    /// <summary>Adds <paramref name="version"/> and makes it primary.</summary>
    public CustosError? Rotate(KeyVersion version, DateTimeOffset now)
    {
        if (CheckCanRotate() is { } error) return error;
        if (version.Number != NextVersionNumber) throw Error.Invariant("version numbers must follow each other");
        _versions.Add(version);
        PrimaryVersion = version.Number;
        LastRotatedAt = now;
        return Touch(now);
    }

    /// <summary>
    /// Replaces the material handle (and evidence) of version <paramref name="number"/>, which must hold material: a
    /// threshold version after resharing, whose public key is unchanged, so that everything wrapped under it still opens.
    /// </summary>
    public CustosError? ReplaceMaterial(int number, byte[] material, IReadOnlyDictionary<string, string>? evidence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(material);
        if (State is KeyState.Destroyed or KeyState.PendingDestruction) return IllegalTransition("reshare");
        var version = FindVersion(number) ?? throw Error.Invariant($"key {Id} has no version {number}");
        if (version.Material is null) throw Error.Invariant($"version {number} of key {Id} is destroyed");
        version.ReplaceMaterial(material, evidence);
        return Touch(now);
    }

    /// <summary>Applies an edit of alias and attributes.</summary>
    public CustosError? Update(string? alias, KeyAttributes attributes, DateTimeOffset now)
    {
        if (State == KeyState.Destroyed) return IllegalTransition("edit");
        if (attributes.Validate() is { } invalid) return invalid;
        if (alias is not null && !KeyReference.IsValidAlias(alias)) return CustosError.Invalid($"alias '{alias}' is not valid");
        Alias = alias;
        Attributes = attributes;
        return Touch(now);
    }

    /// <summary>True when a transition changed the key since it was loaded or last saved.</summary>
    public bool HasChanges { get; private set; }

    /// <summary>Called by a repository after a successful save.</summary>
    public void MarkSaved(long revision)
    {
        Revision = revision;
        HasChanges = false;
    }

    private CustosError? Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        HasChanges = true;
        return null;
    }

    private CustosError IllegalTransition(string verb) =>
        new(ErrorCode.InvalidKeyState, $"cannot {verb} key {Describe()}: it is {State.Name()}");

    private string Describe() => Alias is null ? Id : $"alias/{Alias} ({Id})";
}
