using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;

namespace Custos.Core.Approvals;

/// <summary>
/// The administrative operations an approval can run, each written as its audit name and canonical JSON
/// parameters (<c>key.schedule-destruction {"pendingDays":7}</c>): <see cref="KeyManagementService"/> states
/// its request in this form for the approval gate, and after quorum <see cref="RunAsync"/> reads it back
/// and calls the same method as the requester. Every field of the command is in the text, so an approval
/// covers exactly one command.
/// </summary>
public static class ApprovedChange
{
    /// <summary>Creating a key.</summary>
    public const string Create = "key.create";
    /// <summary>Editing a key.</summary>
    public const string Update = "key.update";
    /// <summary>Scheduling a key's destruction.</summary>
    public const string ScheduleDestruction = "key.schedule-destruction";
    /// <summary>Resharing a threshold key version.</summary>
    public const string Reshare = "key.reshare";
    /// <summary>Actions without parameters.</summary>
    public static IReadOnlyList<string> Plain { get; } = ["key.enable", "key.disable", "key.cancel-destruction", "key.rotate"];

    /// <summary>The text of a create command.</summary>
    public static string Describe(CreateKeyCommand c) => Create + " " + JsonSerializer.Serialize(new CreateParameters(
        c.Alias, c.Custody.Name(), c.Purpose.Name(), c.Spec.Name(), c.Attributes.Description, c.Attributes.Owner, c.Attributes.Classification.Name(),
        c.Attributes.DataCategories, c.Attributes.AllowedJurisdictions, c.Attributes.RetentionDays, c.Attributes.RotationPeriodDays,
        new SortedDictionary<string, string>(c.Attributes.Tags.ToDictionary(), StringComparer.Ordinal),
        c.Threshold is { } t ? new ThresholdParameters(t.Threshold, t.Custodians, t.MinJurisdictions) : null), ApprovalJson.Default.CreateParameters);

    /// <summary>The text of a resharing of version <paramref name="version"/> to <paramref name="next"/> (every field, so that an approval covers exactly it).</summary>
    public static string DescribeReshare(int version, Threshold.ThresholdSpec next) => Reshare + " " + JsonSerializer.Serialize(
        new ReshareParameters(version, new ThresholdParameters(next.Threshold, next.Custodians, next.MinJurisdictions)), ApprovalJson.Default.ReshareParameters);

    /// <summary>The text of an edit.</summary>
    public static string Describe(KeyUpdate u) => Update + " " + JsonSerializer.Serialize(new UpdateParameters(
        u.Alias, u.Description, u.Owner, u.Classification?.Name(), u.DataCategories, u.AllowedJurisdictions, u.RetentionDays, u.RotationPeriodDays,
        u.Tags is null ? null : new SortedDictionary<string, string>(u.Tags.ToDictionary(), StringComparer.Ordinal)), ApprovalJson.Default.UpdateParameters);

    /// <summary>The text of a scheduled destruction.</summary>
    public static string DescribeScheduleDestruction(int pendingDays) =>
        ScheduleDestruction + " " + JsonSerializer.Serialize(new DestructionParameters(pendingDays), ApprovalJson.Default.DestructionParameters);

    /// <summary>True when an approval of <paramref name="parameters"/> can be run by <see cref="RunAsync"/>.</summary>
    public static bool IsRunnable(string? parameters) =>
        parameters is not null && (Plain.Contains(parameters) || Split(parameters) is (Create or Update or ScheduleDestruction or Reshare, not null));

    /// <summary>The policy's view of the key a create request would make (approvers are checked against it).</summary>
    public static KeyFacts? FactsOfCreate(string parameters) =>
        Split(parameters) is (Create, { } json) && ReadCreate(json) is { } command ? KeyFacts.Of(command.Alias, command.Attributes) : null;

    /// <summary>Runs the approved operation of <paramref name="request"/> as <paramref name="requester"/>.</summary>
    public static async Task<Result<ManagedKey>> RunAsync(KeyManagementService keys, Principal requester, ApprovalRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Parameters ?? "";
        var key = request.KeyId ?? "";
        var (action, json) = Split(parameters);
        switch (action)
        {
            case Create when json is not null && ReadCreate(json) is { } command:
                return await keys.CreateAsync(requester, command, cancellationToken);
            case Update when json is not null && ReadUpdate(json) is { } update:
                return await keys.UpdateAsync(requester, key, update, cancellationToken);
            case ScheduleDestruction when json is not null && Read(json, ApprovalJson.Default.DestructionParameters) is { } d:
                return await keys.ScheduleDestructionAsync(requester, key, d.PendingDays, cancellationToken);
            case Reshare when json is not null && Read(json, ApprovalJson.Default.ReshareParameters) is { Threshold: { } t } r:
                return await keys.ReshareAsync(requester, key, r.Version, new ReshareCommand(t.K, t.Custodians, t.MinJurisdictions), cancellationToken);
            case "key.enable" when json is null: return await keys.EnableAsync(requester, key, cancellationToken);
            case "key.disable" when json is null: return await keys.DisableAsync(requester, key, cancellationToken);
            case "key.cancel-destruction" when json is null: return await keys.CancelDestructionAsync(requester, key, cancellationToken);
            case "key.rotate" when json is null: return await keys.RotateAsync(requester, key, cancellationToken);
            default:
                return CustosError.Invalid($"approval request {request.Id} names no operation Custos can run ('{Short(parameters)}')");
        }
    }

    private static (string Action, string? Json) Split(string parameters)
    {
        int space = parameters.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (parameters, null) : (parameters[..space], parameters[(space + 1)..]);
    }

    private static CreateKeyCommand? ReadCreate(string json)
    {
        if (Read(json, ApprovalJson.Default.CreateParameters) is not { } p) return null;
        if (KeyNames.Parse<KeyCustody>(p.Custody) is not { } custody || KeyNames.Parse<KeyPurpose>(p.Purpose) is not { } purpose
            || KeyNames.Parse<KeySpec>(p.Spec) is not { } spec || KeyNames.Parse<Classification>(p.Classification) is not { } classification) return null;
        return new CreateKeyCommand(p.Alias, custody, purpose, spec, new KeyAttributes
        {
            Description = p.Description, Owner = p.Owner, Classification = classification, DataCategories = p.DataCategories,
            AllowedJurisdictions = p.AllowedJurisdictions, RetentionDays = p.RetentionDays, RotationPeriodDays = p.RotationPeriodDays, Tags = p.Tags,
        }, p.Threshold is { } t ? new Threshold.ThresholdSpec(t.K, t.Custodians, t.MinJurisdictions) : null);
    }

    private static KeyUpdate? ReadUpdate(string json)
    {
        if (Read(json, ApprovalJson.Default.UpdateParameters) is not { } p) return null;
        Classification? classification = null;
        if (p.Classification is not null && (classification = KeyNames.Parse<Classification>(p.Classification)) is null) return null;
        return new KeyUpdate
        {
            Alias = p.Alias, Description = p.Description, Owner = p.Owner, Classification = classification, DataCategories = p.DataCategories,
            AllowedJurisdictions = p.AllowedJurisdictions, RetentionDays = p.RetentionDays, RotationPeriodDays = p.RotationPeriodDays, Tags = p.Tags,
        };
    }

    private static T? Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try { return JsonSerializer.Deserialize(json, type); }
        catch (JsonException) { return null; }
    }

    private static string Short(string s) => s.Length <= 60 ? s : s[..60] + "...";
}

/// <summary>The canonical parameters of a create (every field of the command, tags in ordinal order).</summary>
internal sealed record CreateParameters(
    string? Alias, string Custody, string Purpose, string Spec, string Description, string Owner, string Classification,
    IReadOnlyList<string> DataCategories, IReadOnlyList<string> AllowedJurisdictions, int? RetentionDays, int? RotationPeriodDays,
    SortedDictionary<string, string> Tags, ThresholdParameters? Threshold = null);

/// <summary>The threshold parameters of a create or a resharing.</summary>
internal sealed record ThresholdParameters(int K, IReadOnlyList<string> Custodians, int MinJurisdictions);

/// <summary>The parameters of a resharing: the version and what it becomes.</summary>
internal sealed record ReshareParameters(int Version, ThresholdParameters Threshold);

/// <summary>The canonical parameters of an edit (absent: unchanged).</summary>
internal sealed record UpdateParameters(
    string? Alias, string? Description, string? Owner, string? Classification, IReadOnlyList<string>? DataCategories,
    IReadOnlyList<string>? AllowedJurisdictions, int? RetentionDays, int? RotationPeriodDays, SortedDictionary<string, string>? Tags);

/// <summary>The parameters of a scheduled destruction.</summary>
internal sealed record DestructionParameters(int PendingDays);

/// <summary>Canonical JSON of approved commands: camelCase, no whitespace, nulls left out, unknown members refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = false)]
[JsonSerializable(typeof(CreateParameters))]
[JsonSerializable(typeof(UpdateParameters))]
[JsonSerializable(typeof(DestructionParameters))]
[JsonSerializable(typeof(ReshareParameters))]
internal sealed partial class ApprovalJson : JsonSerializerContext;
