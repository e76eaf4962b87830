using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// The input of <c>custos assess</c>: the organisation's data categories (schema in <c>docs/residency.md</c>).
/// <see cref="Parse"/> reads its JSON form (the CLI turns YAML into the same tree) and reports the first
/// problem with the category and field it is in; unknown fields are refused so that a typo is not ignored.
/// </summary>
public sealed partial record CategoryInventory
{
    /// <summary>Most categories in one file (each yields up to three policy rules).</summary>
    public const int MaxCategories = 100;

    /// <summary>Where keys must stay when a category names no jurisdictions.</summary>
    public const string DefaultJurisdiction = "EU";

    private static readonly string[] TopFields = ["organisation", "categories"];
    private static readonly string[] CategoryFields =
        ["name", "description", "sensitivity", "regimes", "availability", "developerFacing", "jurisdictions", "legalIsolation", "physicalControl", "group", "approverGroup"];

    /// <summary>Who the assessment is for (shown in the report); optional.</summary>
    public string? Organisation { get; init; }

    /// <summary>The categories, in file order.</summary>
    public required IReadOnlyList<CategoryProfile> Categories { get; init; }

    /// <summary>Reads and checks a categories document.</summary>
    public static Result<CategoryInventory> Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json.ToArray()); }
        catch (JsonException ex) { return CustosError.Invalid($"the categories file is not valid JSON: {ex.Message}"); }
        using (document) return Read(document.RootElement);
    }

    private static Result<CategoryInventory> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return Invalid("the categories file is a mapping with a 'categories' list");
        if (Unknown(root, TopFields) is { } top) return Invalid($"unknown field '{top}' at the top; fields are {string.Join(", ", TopFields)}");
        string? organisation = null;
        if (root.TryGetProperty("organisation", out var org) && org.ValueKind != JsonValueKind.Null)
        {
            if (org.ValueKind != JsonValueKind.String || org.GetString()!.Length > 256) return Invalid("'organisation' is a name of at most 256 characters");
            organisation = org.GetString();
        }
        if (!root.TryGetProperty("categories", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Invalid("the categories file needs a 'categories' list with at least one category");
        if (list.GetArrayLength() > MaxCategories) return Invalid($"at most {MaxCategories} categories in one file");

        var categories = new List<CategoryProfile>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var category = ReadCategory(item, index);
            if (!category.IsSuccess) return category.Error;
            var name = category.Value.Name;
            if (seen.TryGetValue(name, out var first))
                return Invalid($"category {index} ('{name}'): the same category as category {first}; each data category is assessed once (names are compared ignoring case)");
            seen[name] = index;
            categories.Add(category.Value);
        }
        return new CategoryInventory { Organisation = organisation, Categories = categories };
    }

    private static Result<CategoryProfile> ReadCategory(JsonElement item, int index)
    {
        var where = $"category {index}";
        if (item.ValueKind != JsonValueKind.Object) return Invalid($"{where}: a category is a mapping with at least 'name' and 'sensitivity'");
        if (!item.TryGetProperty("name", out var nameElement) || nameElement.ValueKind == JsonValueKind.Null)
            return Invalid($"{where}: 'name' is missing (the data-category label its keys carry)");
        if (nameElement.ValueKind != JsonValueKind.String || !LabelPattern().IsMatch(nameElement.GetString()!))
            return Invalid($"{where}: 'name' must be 1-64 characters of letters, digits, '-', '_', '.', ':' (it becomes the keys' data-category label)");
        var name = nameElement.GetString()!;
        where = $"category {index} ('{name}')";
        if (Unknown(item, CategoryFields) is { } field) return Invalid($"{where}: unknown field '{Trim(field)}'; fields are {string.Join(", ", CategoryFields)}");

        var description = String(item, "description", 1024, where);
        if (!description.IsSuccess) return description.Error;

        if (!item.TryGetProperty("sensitivity", out var s) || s.ValueKind == JsonValueKind.Null)
            return Invalid($"{where}: 'sensitivity' is missing; it is one of {Classifications}");
        if (s.ValueKind != JsonValueKind.String || KeyNames.Parse<Classification>(s.GetString()) is not { } sensitivity)
            return Invalid($"{where}: unknown sensitivity '{Trim(Text(s))}'; it is one of {Classifications}");

        var regimes = new List<Regime>();
        var regimeNames = Strings(item, "regimes", where);
        if (!regimeNames.IsSuccess) return regimeNames.Error;
        foreach (var code in regimeNames.Value ?? [])
        {
            if (Regime.Find(code) is not { } regime) return Invalid($"{where}: unknown regime '{Trim(code)}'; regimes are {Regime.CodeList}");
            if (!regimes.Contains(regime)) regimes.Add(regime);
        }

        var availability = Availability.Standard;
        if (item.TryGetProperty("availability", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            Availability? parsed = a.ValueKind != JsonValueKind.String ? null : a.GetString()!.ToLowerInvariant() switch
            {
                "standard" => Availability.Standard,
                "high" => Availability.High,
                "critical" => Availability.Critical,
                _ => null,
            };
            if (parsed is null) return Invalid($"{where}: unknown availability '{Trim(Text(a))}'; it is standard, high or critical");
            availability = parsed.Value;
        }

        var developerFacing = Bool(item, "developerFacing", where);
        if (!developerFacing.IsSuccess) return developerFacing.Error;
        var legalIsolation = Bool(item, "legalIsolation", where);
        if (!legalIsolation.IsSuccess) return legalIsolation.Error;
        var physicalControl = Bool(item, "physicalControl", where);
        if (!physicalControl.IsSuccess) return physicalControl.Error;

        var jurisdictionList = Strings(item, "jurisdictions", where);
        if (!jurisdictionList.IsSuccess) return jurisdictionList.Error;
        var jurisdictions = new List<string>();
        foreach (var code in jurisdictionList.Value ?? [])
        {
            var upper = code.ToUpperInvariant();
            if (!Jurisdictions.IsValid(upper)) return Invalid($"{where}: jurisdiction '{Trim(code)}' is not an ISO 3166-1 alpha-2 country code or a bloc ({string.Join(", ", Jurisdictions.Blocs)})");
            if (!jurisdictions.Contains(upper)) jurisdictions.Add(upper);
        }
        if (jurisdictionList.Value is { Count: 0 }) return Invalid($"{where}: 'jurisdictions' is absent (meaning {DefaultJurisdiction}) or names countries or blocs");
        if (jurisdictions.Count > 64) return Invalid($"{where}: at most 64 jurisdictions");

        var group = Group(item, "group", name, where);
        if (!group.IsSuccess) return group.Error;
        var approvers = Group(item, "approverGroup", (name.Length > 54 ? name[..54] : name) + "-approvers", where);
        if (!approvers.IsSuccess) return approvers.Error;

        return new CategoryProfile
        {
            Name = name,
            Description = description.Value,
            Sensitivity = sensitivity,
            Regimes = regimes,
            Availability = availability,
            DeveloperFacing = developerFacing.Value,
            Jurisdictions = jurisdictions.Count > 0 ? jurisdictions : [DefaultJurisdiction],
            JurisdictionsGiven = jurisdictions.Count > 0,
            LegalIsolation = legalIsolation.Value,
            PhysicalControl = physicalControl.Value,
            Group = group.Value!,
            ApproverGroup = approvers.Value!,
        };
    }

    private static string Classifications => string.Join(", ", Enum.GetValues<Classification>().Select(c => c.Name()));

    private static string? Unknown(JsonElement o, string[] known) =>
        o.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal));

    private static Result<string?> String(JsonElement o, string field, int max, string where)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return Result<string?>.Ok(null);
        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length > max) return Invalid($"{where}: '{field}' is text of at most {max} characters");
        return v.GetString();
    }

    private static Result<bool> Bool(JsonElement o, string field, string where)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Invalid($"{where}: '{field}' is true or false, not '{Trim(Text(v))}'"),
        };
    }

    private static Result<IReadOnlyList<string>?> Strings(JsonElement o, string field, string where)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return Result<IReadOnlyList<string>?>.Ok(null);
        if (v.ValueKind == JsonValueKind.String) return Result<IReadOnlyList<string>?>.Ok([v.GetString()!]);
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            return Invalid($"{where}: '{field}' is a list of names");
        return Result<IReadOnlyList<string>?>.Ok(v.EnumerateArray().Select(e => e.GetString()!).ToList());
    }

    private static Result<string?> Group(JsonElement o, string field, string fallback, string where)
    {
        var value = String(o, field, 64, where);
        if (!value.IsSuccess) return value.Error;
        if (value.Value is null) return fallback;
        if (Roles.NormalizeGroups([value.Value]) is { IsSuccess: false } bad) return Invalid($"{where}: '{field}': {bad.Error.Message}");
        return value.Value;
    }

    private static string Text(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    private static string Trim(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static CustosError Invalid(string message) => CustosError.Invalid(message);

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex LabelPattern();
}
