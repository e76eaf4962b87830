using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Core.Access.Policy;

/// <summary>
/// An access policy: a list of rules. Nothing is allowed that no rule allows (default deny); a matching
/// deny rule beats any allow rule; when several allow rules match, the strictest decides (one that asks
/// for approvals wins over one that does not). The format is documented in <c>docs/access.md</c>.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>The rules, in the order they are shown and explained.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; set; } = [];

    /// <summary>Residency rules: where keys may live and be served, and which legal exposure and contracts their custodians may have.</summary>
    public IReadOnlyList<ResidencyRule>? Residency { get; set; }

    /// <summary>Limits on clients reusing data keys (leases); absent: <see cref="DataKeyCachingPolicy.BuiltIn"/>.</summary>
    public DataKeyCachingPolicy? DataKeyCaching { get; set; }

    /// <summary>The canonical JSON of the document (what is stored and hashed).</summary>
    public byte[] ToCanonicalJson() => JsonSerializer.SerializeToUtf8Bytes(this, PolicyJson.Default.PolicyDocument);

    /// <summary>Parses a document; malformed JSON or unknown members are a validation error naming where.</summary>
    public static Errors.Result<PolicyDocument> Parse(ReadOnlySpan<byte> json)
    {
        PolicyDocument? document;
        try { document = JsonSerializer.Deserialize(json, PolicyJson.Default.PolicyDocument); }
        catch (JsonException ex) { return Errors.CustosError.Invalid($"the policy is not valid: {ex.Message}"); }
        if (document is null) return Errors.CustosError.Invalid("the policy is empty");
        return PolicyValidator.Validate(document) is { } invalid ? invalid : document;
    }
}

/// <summary>Allow or deny.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PolicyEffect>))]
public enum PolicyEffect
{
    /// <summary>Allows the request (possibly after approvals).</summary>
    [JsonStringEnumMemberName("allow")] Allow,
    /// <summary>Refuses the request, whatever else allows it.</summary>
    [JsonStringEnumMemberName("deny")] Deny,
}

/// <summary>One rule: who, what, on which keys, under which conditions, with how many approvals.</summary>
public sealed record PolicyRule
{
    /// <summary>Unique name, shown in decisions and in 403 reasons (1-64 of a-z, 0-9, '-').</summary>
    public string Id { get; set; } = "";
    /// <summary>Why the rule exists.</summary>
    public string? Description { get; set; }
    /// <summary>Allow (default) or deny.</summary>
    public PolicyEffect Effect { get; set; } = PolicyEffect.Allow;
    /// <summary>Principal ids ("token:tok_...", "cert:alice") or "*" for everyone authenticated.</summary>
    public IReadOnlyList<string>? Principals { get; set; }
    /// <summary>Roles, any of which makes a principal match.</summary>
    public IReadOnlyList<string>? Roles { get; set; }
    /// <summary>Groups, any of which makes a principal match.</summary>
    public IReadOnlyList<string>? Groups { get; set; }
    /// <summary>Operation names or shorthands ("*", "data", "lifecycle").</summary>
    public IReadOnlyList<string> Operations { get; set; } = [];
    /// <summary>Which keys; absent means every key and the operations that touch no key.</summary>
    public KeySelector? Keys { get; set; }
    /// <summary>When the rule applies.</summary>
    public RuleConditions? Conditions { get; set; }
    /// <summary>Approvals an allowed request needs first (allow rules only).</summary>
    public ApprovalRequirement? Approvals { get; set; }
}

/// <summary>Keys a rule covers; every given part must match (within a part, any value).</summary>
public sealed record KeySelector
{
    /// <summary>Key ids.</summary>
    public IReadOnlyList<string>? Ids { get; set; }
    /// <summary>Aliases, with '*' wildcards ("payments-*").</summary>
    public IReadOnlyList<string>? Aliases { get; set; }
    /// <summary>Tags the key must carry; a value "*" means any value.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; set; }
    /// <summary>Classifications (public, internal, confidential, restricted, secret).</summary>
    public IReadOnlyList<string>? Classifications { get; set; }
    /// <summary>Data categories, any of which the key must protect.</summary>
    public IReadOnlyList<string>? DataCategories { get; set; }
}

/// <summary>Conditions on the request; all given must hold.</summary>
public sealed record RuleConditions
{
    /// <summary>Justification codes required or forbidden.</summary>
    public JustificationCondition? Justifications { get; set; }
    /// <summary>CIDR networks the request must come from.</summary>
    public IReadOnlyList<string>? Networks { get; set; }
    /// <summary>Days and hours in which the rule applies.</summary>
    public TimeWindow? Time { get; set; }
    /// <summary>How often the rule may allow a request, per principal.</summary>
    public RateCondition? Rate { get; set; }
}

/// <summary>Justification codes: <see cref="Require"/> one of them ("*": any code), none of <see cref="Forbid"/>.</summary>
public sealed record JustificationCondition
{
    /// <summary>The request must carry one of these codes ("*": any published code).</summary>
    public IReadOnlyList<string>? Require { get; set; }
    /// <summary>The request must not carry any of these codes.</summary>
    public IReadOnlyList<string>? Forbid { get; set; }
}

/// <summary>Days of the week and a daily window (from inclusive, to exclusive) in a time zone.</summary>
public sealed record TimeWindow
{
    /// <summary>Days ("mon" ... "sun"); absent: every day.</summary>
    public IReadOnlyList<string>? Days { get; set; }
    /// <summary>Start, "HH:mm" (default 00:00).</summary>
    public string? From { get; set; }
    /// <summary>End, "HH:mm" (default 24:00); may be before From for a window across midnight.</summary>
    public string? To { get; set; }
    /// <summary>IANA time zone (default UTC).</summary>
    public string? TimeZone { get; set; }
}

/// <summary>At most <see cref="Requests"/> allowed requests per principal in <see cref="PerSeconds"/> seconds.</summary>
public sealed record RateCondition
{
    /// <summary>Requests allowed in one window.</summary>
    public int Requests { get; set; }
    /// <summary>Window length in seconds.</summary>
    public int PerSeconds { get; set; } = 60;
}

/// <summary>
/// K approvals from other principals holding the approver role (and, when named, in <see cref="Group"/>).
/// For a data-plane operation the approvals yield a grant of <see cref="GrantMinutes"/> and
/// <see cref="GrantUses"/> for that principal, key, operation and encryption context.
/// </summary>
public sealed record ApprovalRequirement
{
    /// <summary>How many distinct approvers (1-10).</summary>
    public int Count { get; set; }
    /// <summary>The group approvers must belong to; absent: any approver.</summary>
    public string? Group { get; set; }
    /// <summary>How long a data-plane grant lasts (1-1440 minutes; default 15).</summary>
    public int GrantMinutes { get; set; } = 15;
    /// <summary>How many requests a data-plane grant serves (1-100000; default 100).</summary>
    public int GrantUses { get; set; } = 100;
}

/// <summary>
/// Where the keys a rule selects may live and be used, and who may hold them: every location holding
/// their material (keystore, HSM, custodian, backup target) and every node serving them must be in
/// <see cref="AllowedJurisdictions"/>; the operators of those locations may be compellable only by
/// <see cref="AllowedLegalExposure"/>; and their providers must meet <see cref="Provider"/>. Every
/// residency rule that selects a key applies to it (they add up), together with the key's own allowed
/// jurisdictions.
/// </summary>
public sealed record ResidencyRule
{
    /// <summary>Unique name, shown in refusals (1-64 of a-z, 0-9, '-').</summary>
    public string Id { get; set; } = "";
    /// <summary>Why the rule exists.</summary>
    public string? Description { get; set; }
    /// <summary>Which keys; absent means every key.</summary>
    public KeySelector? Keys { get; set; }
    /// <summary>Countries or blocs (EU, EEA) where material may live and nodes may serve.</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; set; }
    /// <summary>Countries or blocs whose law alone may compel an operator holding the material (an operator compellable by any other is refused).</summary>
    public IReadOnlyList<string>? AllowedLegalExposure { get; set; }
    /// <summary>What the provider of each location holding the material must have signed or be certified for.</summary>
    public ProviderRequirements? Provider { get; set; }
}

/// <summary>Contracts and certifications a provider must have (see the legal register).</summary>
public sealed record ProviderRequirements
{
    /// <summary>A data processing agreement (GDPR art. 28).</summary>
    public bool Dpa { get; set; }
    /// <summary>Standard contractual clauses.</summary>
    public bool Sccs { get; set; }
    /// <summary>Contractual audit rights.</summary>
    public bool AuditRights { get; set; }
    /// <summary>A commitment to notify the customer of, and contest, law-enforcement requests.</summary>
    public bool NotifyAndContest { get; set; }
    /// <summary>Only staff located in the EU operate the service.</summary>
    public bool EuOnlyStaffing { get; set; }
    /// <summary>Lowest FIPS 140-3 security level of the modules holding the material (1-4).</summary>
    public int? Fips140Level { get; set; }
    /// <summary>An ISO/IEC 27001 certification.</summary>
    public bool Iso27001 { get; set; }
    /// <summary>A SOC 2 report.</summary>
    public bool Soc2 { get; set; }
    /// <summary>A Common Criteria certification.</summary>
    public bool CommonCriteria { get; set; }
}

/// <summary>JSON of policy documents: camelCase, no nulls written, unknown members refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = false)]
[JsonSerializable(typeof(PolicyDocument))]
public sealed partial class PolicyJson : JsonSerializerContext;
