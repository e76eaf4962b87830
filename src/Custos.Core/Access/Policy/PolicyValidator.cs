using System.Globalization;
using System.Text.RegularExpressions;
using Custos.Core.Errors;
using Custos.Core.Keys;

namespace Custos.Core.Access.Policy;

/// <summary>Checks a policy document; the first problem is reported with the rule it is in.</summary>
public static partial class PolicyValidator
{
    /// <summary>Most rules in one policy.</summary>
    public const int MaxRules = 500;

    private static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>Null when <paramref name="document"/> is valid.</summary>
    public static CustosError? Validate(PolicyDocument document)
    {
        if (document.Rules is null) return CustosError.Invalid("the policy needs a 'rules' list");
        if (document.Rules.Count > MaxRules) return CustosError.Invalid($"a policy has at most {MaxRules} rules");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < document.Rules.Count; i++)
        {
            var rule = document.Rules[i];
            if (rule is null) return CustosError.Invalid($"rule {i + 1} is empty");
            var where = rule.Id is { Length: > 0 } ? $"rule '{Trim(rule.Id)}'" : $"rule {i + 1}";
            if (Check(rule) is { } problem) return CustosError.Invalid($"{where}: {problem}");
            if (!ids.Add(rule.Id)) return CustosError.Invalid($"{where}: another rule has the same id");
        }
        var residencyIds = new HashSet<string>(StringComparer.Ordinal);
        var residency = document.Residency ?? [];
        if (residency.Count > MaxRules) return CustosError.Invalid($"a policy has at most {MaxRules} residency rules");
        for (int i = 0; i < residency.Count; i++)
        {
            var rule = residency[i];
            if (rule is null) return CustosError.Invalid($"residency rule {i + 1} is empty");
            var where = rule.Id is { Length: > 0 } ? $"residency rule '{Trim(rule.Id)}'" : $"residency rule {i + 1}";
            if (CheckResidency(rule) is { } problem) return CustosError.Invalid($"{where}: {problem}");
            if (!residencyIds.Add(rule.Id)) return CustosError.Invalid($"{where}: another residency rule has the same id");
        }
        if (document.DataKeyCaching is { } caching && DataKeyLeases.Validate(caching) is { } cachingProblem) return CustosError.Invalid(cachingProblem);
        return null;
    }

    private static string? CheckResidency(ResidencyRule rule)
    {
        if (!IdPattern().IsMatch(rule.Id ?? "")) return "'id' is 1-64 characters of a-z, 0-9 and '-'";
        if (rule.Description is { Length: > 1024 }) return "'description' is at most 1024 characters";
        if (rule.Keys is { } keys && CheckKeys(keys) is { } k) return k;
        foreach (var (name, list) in new[] { ("allowedJurisdictions", rule.AllowedJurisdictions), ("allowedLegalExposure", rule.AllowedLegalExposure) })
        {
            if (list is null) continue;
            if (list.Count == 0) return $"'{name}' is absent or names countries or blocs (an empty list would allow nothing)";
            foreach (var code in list)
            {
                if (!Jurisdictions.IsValid(code)) return $"'{name}': '{Trim(code)}' is not an ISO 3166-1 alpha-2 code or a bloc ({string.Join(", ", Jurisdictions.Blocs)})";
            }
        }
        if (rule.Provider?.Fips140Level is < 1 or > 4) return "'provider.fips140Level' is 1 to 4";
        if (rule.AllowedJurisdictions is null && rule.AllowedLegalExposure is null && rule.Provider is null)
            return "say what it requires: 'allowedJurisdictions', 'allowedLegalExposure' or 'provider'";
        return null;
    }

    private static string? Check(PolicyRule rule)
    {
        if (!IdPattern().IsMatch(rule.Id ?? "")) return "'id' is 1-64 characters of a-z, 0-9 and '-'";
        if (rule.Description is { Length: > 1024 }) return "'description' is at most 1024 characters";
        if (!Enum.IsDefined(rule.Effect)) return "'effect' is allow or deny";
        if ((rule.Principals?.Count ?? 0) + (rule.Roles?.Count ?? 0) + (rule.Groups?.Count ?? 0) == 0)
            return "name who it is for: 'principals' (ids, or \"*\" for everyone), 'roles' or 'groups'";
        foreach (var p in rule.Principals ?? [])
        {
            if (p != "*" && !PrincipalPattern().IsMatch(p ?? "")) return $"principal '{Trim(p)}' is not a principal id such as token:tok_0123 or cert:alice, or \"*\"";
        }
        foreach (var r in rule.Roles ?? [])
        {
            if (r != Access.Roles.Root && !Access.Roles.Assignable.Contains(r)) return $"unknown role '{Trim(r)}'; roles are {string.Join(", ", Access.Roles.Assignable)}, root";
        }
        if (rule.Groups is { } groups && Access.Roles.NormalizeGroups(groups) is { IsSuccess: false } g) return g.Error.Message;
        if (rule.Operations is not { Count: > 0 }) return $"'operations' lists one or more of {string.Join(", ", Operations.Names)} (or *, data, lifecycle)";
        foreach (var o in rule.Operations)
        {
            if (Operations.Parse(o ?? "") is null) return $"unknown operation '{Trim(o)}'; operations are {string.Join(", ", Operations.Names)}, or *, data, lifecycle";
        }
        if (rule.Keys is { } keys && CheckKeys(keys) is { } k) return k;
        if (rule.Conditions is { } c && CheckConditions(c) is { } cp) return cp;
        if (rule.Approvals is { } a)
        {
            if (rule.Effect == PolicyEffect.Deny) return "a deny rule cannot ask for approvals";
            if (a.Count is < 1 or > 10) return "'approvals.count' is 1 to 10";
            if (a.Group is not null && Access.Roles.NormalizeGroups([a.Group]) is { IsSuccess: false } ag) return "approvals: " + ag.Error.Message;
            if (a.GrantMinutes is < 1 or > 1440) return "'approvals.grantMinutes' is 1 to 1440";
            if (a.GrantUses is < 1 or > 100_000) return "'approvals.grantUses' is 1 to 100000";
        }
        return null;
    }

    /// <summary>Null when a key selector is valid (shared with the other sections of the document).</summary>
    internal static string? CheckKeySelector(KeySelector keys) => CheckKeys(keys);

    private static string? CheckKeys(KeySelector keys)
    {
        foreach (var id in keys.Ids ?? [])
        {
            if (!KeyIds.IsValid(id ?? "")) return $"key id '{Trim(id)}' is not a key id";
        }
        foreach (var alias in keys.Aliases ?? [])
        {
            var bare = StripAlias(alias ?? "");
            if (!KeyReference.IsValidAlias(bare.Replace('*', 'x'))) return $"alias '{Trim(alias)}' is not an alias pattern (letters, digits, '-', '_', '.', and '*')";
        }
        foreach (var (tag, value) in keys.Tags ?? new Dictionary<string, string>())
        {
            if (tag.Length is < 1 or > 64 || value is null || value.Length > 256) return $"tag '{Trim(tag)}' is not a tag name with a value (\"*\" for any)";
        }
        foreach (var c in keys.Classifications ?? [])
        {
            if (KeyNames.Parse<Classification>(c) is null) return $"unknown classification '{Trim(c)}'; classifications are public, internal, confidential, restricted, secret";
        }
        if (keys.DataCategories is { } categories && categories.Any(c => c is null || c.Length is < 1 or > 64)) return "data categories are 1-64 characters";
        return null;
    }

    private static string? CheckConditions(RuleConditions c)
    {
        if (c.Justifications is { } j)
        {
            foreach (var code in (j.Require ?? []).Concat(j.Forbid ?? []))
            {
                if (code != "*" && !Justification.IsPublished(code)) return $"unknown justification code '{Trim(code)}'; codes are {Justification.CodeList}";
            }
            if (j.Forbid?.Contains("*") == true) return "'justifications.forbid' names codes, not \"*\"";
        }
        if (c.Networks is not null)
        {
            if (c.Networks.Count == 0) return "'conditions.networks' is absent or lists networks";
            if (NetworkAllowlist.Normalize(c.Networks) is { IsSuccess: false } n) return n.Error.Message;
        }
        if (c.Time is { } t)
        {
            foreach (var d in t.Days ?? [])
            {
                if (!DayNames.Contains(d)) return $"day '{Trim(d)}' is not one of {string.Join(", ", DayNames)}";
            }
            if (t.From is not null && ParseClock(t.From) is null) return $"'time.from' '{Trim(t.From)}' is not HH:mm";
            if (t.To is not null && ParseClock(t.To) is null) return $"'time.to' '{Trim(t.To)}' is not HH:mm (24:00 is the end of the day)";
            if (t.TimeZone is not null && FindZone(t.TimeZone) is null) return $"unknown time zone '{Trim(t.TimeZone)}' (use an IANA name such as Europe/Berlin)";
        }
        if (c.Rate is { } r && (r.Requests is < 1 or > 1_000_000 || r.PerSeconds is < 1 or > 86_400))
            return "'rate.requests' is 1 to 1000000 and 'rate.perSeconds' 1 to 86400";
        return null;
    }

    /// <summary>An alias pattern without its "alias/" prefix.</summary>
    internal static string StripAlias(string alias) => alias.StartsWith("alias/", StringComparison.Ordinal) ? alias["alias/".Length..] : alias;

    /// <summary>Minutes since midnight for "HH:mm" (00:00 to 24:00), or null.</summary>
    internal static int? ParseClock(string text)
    {
        if (text == "24:00") return 24 * 60;
        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.Hour * 60 + t.Minute : null;
    }

    /// <summary>The time zone, or null when unknown.</summary>
    internal static TimeZoneInfo? FindZone(string id)
    {
        if (id is "UTC" or "Etc/UTC") return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }

    /// <summary>Index of a day name ("mon" = Monday).</summary>
    internal static DayOfWeek Day(string name) => (DayOfWeek)((Array.IndexOf(DayNames, name) + 1) % 7);

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^(token|cert):[A-Za-z0-9_.:@=,+ -]{1,200}$")]
    private static partial Regex PrincipalPattern();
}
