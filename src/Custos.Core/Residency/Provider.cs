using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Custos.Core.Errors;
using Custos.Core.Keys;

namespace Custos.Core.Residency;

/// <summary>
/// An entry of the legal register: an organisation that operates a location holding key material or serving
/// keys (a colocation, an HSM service, a cloud KMS, the organisation itself), with the contracts and
/// certifications residency rules can require of it. Stored as canonical JSON; the format is documented in
/// <c>docs/residency.md</c>.
/// </summary>
public sealed partial record Provider
{
    /// <summary>Most subprocessors one entry lists.</summary>
    public const int MaxSubprocessors = 100;

    /// <summary>Stable id that locations name as their operator (1-64 of a-z, 0-9, '-').</summary>
    public string Id { get; set; } = "";
    /// <summary>The legal entity's registered name.</summary>
    public string LegalName { get; set; } = "";
    /// <summary>ISO 3166-1 alpha-2 country of its headquarters: that country's law can compel it wherever it operates.</summary>
    public string HeadquartersCountry { get; set; } = "";
    /// <summary>The data processing agreement (GDPR art. 28) with it, when there is one.</summary>
    public DataProcessingAgreement? Dpa { get; set; }
    /// <summary>Standard contractual clauses are signed.</summary>
    public bool Sccs { get; set; }
    /// <summary>The contract gives audit rights over its controls.</summary>
    public bool AuditRights { get; set; }
    /// <summary>What it commits to when a law-enforcement authority asks for data or keys.</summary>
    public LawEnforcementHandling? LawEnforcement { get; set; }
    /// <summary>Subprocessors taking part in operating the service; their countries add to its legal exposure.</summary>
    public IReadOnlyList<Subprocessor>? Subprocessors { get; set; }
    /// <summary>Certifications of the service or of the modules it holds material in.</summary>
    public Certifications? Certifications { get; set; }
    /// <summary>Only staff located in the EU operate the service.</summary>
    public bool EuOnlyStaffing { get; set; }
    /// <summary>A placeholder made by dev mode, not a record of a real contract.</summary>
    public bool Dev { get; set; }
    /// <summary>Free text (contract numbers, contacts, review dates).</summary>
    public string? Notes { get; set; }

    /// <summary>True for a well-formed provider id.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The canonical JSON of the entry (what is stored).</summary>
    public byte[] ToCanonicalJson() => JsonSerializer.SerializeToUtf8Bytes(this, RegisterJson.Default.Provider);

    /// <summary>Lower-case hex SHA-256 of <see cref="ToCanonicalJson"/>: what a <c>register.put</c> event records of the entry.</summary>
    public string CanonicalSha256() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ToCanonicalJson()));

    /// <summary>Parses an entry; malformed JSON, unknown members and invalid values are a validation error naming where.</summary>
    public static Result<Provider> Parse(ReadOnlySpan<byte> json)
    {
        Provider? provider;
        try { provider = JsonSerializer.Deserialize(json, RegisterJson.Default.Provider); }
        catch (JsonException ex) { return CustosError.Invalid($"the provider is not valid: {ex.Message}"); }
        if (provider is null) return CustosError.Invalid("the provider is empty");
        return provider.Validate() is { } invalid ? invalid : provider;
    }

    /// <summary>Null when valid, else the first problem, naming the entry and the member.</summary>
    public CustosError? Validate()
    {
        var where = IsValidId(Id) ? $"provider '{Id}'" : "provider";
        string? problem = Check();
        return problem is null ? null : CustosError.Invalid($"{where}: {problem}");
    }

    private string? Check()
    {
        if (!IsValidId(Id)) return $"'id' '{Trim(Id)}' is 1-64 characters of a-z, 0-9 and '-'";
        if (string.IsNullOrWhiteSpace(LegalName) || LegalName.Length > 256) return "'legalName' is 1-256 characters";
        if (!Jurisdictions.IsCountry(HeadquartersCountry)) return $"'headquartersCountry' '{Trim(HeadquartersCountry)}' is not an ISO 3166-1 alpha-2 country code";
        if (Dpa is { } dpa)
        {
            if (dpa.Date is null) return "'dpa.date' (YYYY-MM-DD) is required";
            if (string.IsNullOrWhiteSpace(dpa.Reference) || dpa.Reference.Length > 256) return "'dpa.reference' is 1-256 characters";
        }
        if (LawEnforcement?.Process is { Length: > 1024 }) return "'lawEnforcement.process' is at most 1024 characters";
        if (Subprocessors is { Count: > MaxSubprocessors }) return $"at most {MaxSubprocessors} subprocessors";
        for (int i = 0; i < (Subprocessors?.Count ?? 0); i++)
        {
            var s = Subprocessors![i];
            if (s is null || string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 256) return $"'subprocessors[{i}].name' is 1-256 characters";
            if (!Jurisdictions.IsCountry(s.Country)) return $"'subprocessors[{i}].country' '{Trim(s.Country)}' is not an ISO 3166-1 alpha-2 country code";
            if (s.Service is { Length: > 256 }) return $"'subprocessors[{i}].service' is at most 256 characters";
        }
        if (Certifications is { } c)
        {
            if (c.Fips140Level is < 1 or > 4) return "'certifications.fips140Level' is 1 to 4";
            if (c.CommonCriteria is { } cc && (string.IsNullOrWhiteSpace(cc) || cc.Length > 256)) return "'certifications.commonCriteria' names the evaluation (for example \"EAL4+\"), 1-256 characters";
        }
        if (Notes is { Length: > 4096 }) return "'notes' is at most 4096 characters";
        return null;
    }

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();
}

/// <summary>A data processing agreement: when it was signed and how to find it.</summary>
public sealed record DataProcessingAgreement
{
    /// <summary>Date signed (YYYY-MM-DD).</summary>
    public DateOnly? Date { get; set; }
    /// <summary>Contract reference.</summary>
    public string Reference { get; set; } = "";
}

/// <summary>Commitments on law-enforcement requests.</summary>
public sealed record LawEnforcementHandling
{
    /// <summary>It notifies the customer of a request (where the law allows).</summary>
    public bool Notify { get; set; }
    /// <summary>It contests requests that lack a proper legal basis.</summary>
    public bool Contest { get; set; }
    /// <summary>Where its documented process is (reference or link).</summary>
    public string? Process { get; set; }
}

/// <summary>A subprocessor and the country it works from.</summary>
public sealed record Subprocessor
{
    /// <summary>Legal name.</summary>
    public string Name { get; set; } = "";
    /// <summary>ISO 3166-1 alpha-2 country.</summary>
    public string Country { get; set; } = "";
    /// <summary>What it does (free text).</summary>
    public string? Service { get; set; }
}

/// <summary>Certifications a provider holds (of its service, or of the modules holding material).</summary>
public sealed record Certifications
{
    /// <summary>FIPS 140-3 security level (1-4) of the modules holding material.</summary>
    public int? Fips140Level { get; set; }
    /// <summary>The Common Criteria evaluation ("EAL4+", a protection profile), when certified.</summary>
    public string? CommonCriteria { get; set; }
    /// <summary>ISO/IEC 27001 certified.</summary>
    public bool Iso27001 { get; set; }
    /// <summary>A SOC 2 report is available.</summary>
    public bool Soc2 { get; set; }
}

/// <summary>JSON of register entries: camelCase, no nulls written, unknown members refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = false)]
[JsonSerializable(typeof(Provider))]
public sealed partial class RegisterJson : JsonSerializerContext;
