using System.Text.RegularExpressions;
using Custos.Core.Errors;

namespace Custos.Core.Keys;

/// <summary>The descriptive, editable attributes of a key (its inventory record).</summary>
public sealed partial record KeyAttributes
{
    /// <summary>Shortest automatic rotation period.</summary>
    public const int MinRotationDays = 1;
    /// <summary>Longest automatic rotation period.</summary>
    public const int MaxRotationDays = 3650;

    /// <summary>Free text.</summary>
    public string Description { get; init; } = "";
    /// <summary>Who answers for the key (team, person or system).</summary>
    public string Owner { get; init; } = "";
    /// <summary>Sensitivity.</summary>
    public Classification Classification { get; init; } = Classification.Confidential;
    /// <summary>Categories of data the key protects (for example "pii", "payments").</summary>
    public IReadOnlyList<string> DataCategories { get; init; } = [];
    /// <summary>ISO 3166-1 alpha-2 country codes or blocs ("EU", "EEA") where the key may live.</summary>
    public IReadOnlyList<string> AllowedJurisdictions { get; init; } = [];
    /// <summary>How long data protected by the key must be kept, in days; null when not set.</summary>
    public int? RetentionDays { get; init; }
    /// <summary>Automatic rotation period in days; null when the key is rotated by hand only.</summary>
    public int? RotationPeriodDays { get; init; }
    /// <summary>Free-form labels.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Checks every limit; null when valid.</summary>
    public CustosError? Validate()
    {
        if (Description.Length > 1024) return CustosError.Invalid("description is at most 1024 characters");
        if (Owner.Length > 256) return CustosError.Invalid("owner is at most 256 characters");
        if (!Enum.IsDefined(Classification)) return CustosError.Invalid("unknown classification");
        if (DataCategories.Count > 32) return CustosError.Invalid("at most 32 data categories");
        foreach (var c in DataCategories)
        {
            if (!LabelPattern().IsMatch(c)) return CustosError.Invalid($"data category '{Trim(c)}' must be 1-64 characters of letters, digits, '-', '_', '.', ':'");
        }
        if (DataCategories.Distinct(StringComparer.Ordinal).Count() != DataCategories.Count) return CustosError.Invalid("data categories must not repeat");
        if (AllowedJurisdictions.Count > 64) return CustosError.Invalid("at most 64 allowed jurisdictions");
        foreach (var j in AllowedJurisdictions)
        {
            if (!Jurisdictions.IsValid(j)) return CustosError.Invalid($"jurisdiction '{Trim(j)}' is not an ISO 3166-1 alpha-2 code or a known bloc ({string.Join(", ", Jurisdictions.Blocs)})");
        }
        if (RetentionDays is < 1 or > 36500) return CustosError.Invalid("retention is 1 to 36500 days");
        if (RotationPeriodDays is < MinRotationDays or > MaxRotationDays) return CustosError.Invalid($"rotation period is {MinRotationDays} to {MaxRotationDays} days");
        if (Tags.Count > 50) return CustosError.Invalid("at most 50 tags");
        foreach (var (k, v) in Tags)
        {
            if (!LabelPattern().IsMatch(k)) return CustosError.Invalid($"tag key '{Trim(k)}' must be 1-64 characters of letters, digits, '-', '_', '.', ':'");
            if (v is null || v.Length > 256) return CustosError.Invalid($"tag '{k}' value is at most 256 characters");
        }
        return null;
    }

    private static string Trim(string s) => s.Length <= 40 ? s : s[..40] + "...";

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex LabelPattern();
}

/// <summary>Jurisdiction codes: ISO 3166-1 alpha-2 and named blocs.</summary>
public static partial class Jurisdictions
{
    /// <summary>Named blocs accepted beside country codes.</summary>
    public static IReadOnlyList<string> Blocs { get; } = ["EU", "EEA"];

    /// <summary>The 27 member states of the European Union (ISO 3166-1 alpha-2; Greece is GR).</summary>
    public static IReadOnlySet<string> EuCountries { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
        "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    };

    /// <summary>The European Economic Area: the EU and Iceland, Liechtenstein, Norway.</summary>
    public static IReadOnlySet<string> EeaCountries { get; } = new HashSet<string>(EuCountries.Concat(["IS", "LI", "NO"]), StringComparer.Ordinal);

    /// <summary>The countries a code stands for: a bloc's members, or the country itself.</summary>
    public static IReadOnlySet<string> Countries(string code) => code switch
    {
        "EU" => EuCountries,
        "EEA" => EeaCountries,
        _ => new HashSet<string>([code], StringComparer.Ordinal),
    };

    /// <summary>True when <paramref name="country"/> is one of, or a member of one of, <paramref name="codes"/>.</summary>
    public static bool Covers(IEnumerable<string> codes, string country) => codes.Any(c => Countries(c).Contains(country));

    /// <summary>True for an upper-case two-letter code or a known bloc.</summary>
    public static bool IsValid(string? code) => code is not null && (CountryPattern().IsMatch(code) || Blocs.Contains(code));

    /// <summary>True for an upper-case two-letter country code (not a bloc: a bloc is not a place).</summary>
    public static bool IsCountry(string? code) => code is not null && CountryPattern().IsMatch(code) && !Blocs.Contains(code);

    /// <summary>
    /// True when every country <paramref name="code"/> stands for is covered by <paramref name="codes"/>: a country
    /// within a list holding it or its bloc, a bloc within a list covering all its members ("EU" is within "EEA").
    /// </summary>
    public static bool Within(string code, IEnumerable<string> codes)
    {
        var list = codes as IReadOnlyCollection<string> ?? codes.ToList();
        return Countries(code).All(c => Covers(list, c));
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();
}
