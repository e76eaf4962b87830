using Custos.Core.Keys;

namespace Custos.Core.Residency;

/// <summary>
/// Where something that holds key material or serves keys is, and who runs it: the node itself, a keystore
/// (HSM, software), later custodians and backup targets. Physical location is not legal immunity, so a
/// location names its <see cref="Operator"/> (an entry of the legal register) and every jurisdiction whose
/// law can compel that operator (<see cref="CompellableBy"/>). Written in the configuration:
/// <code>"location": { "country": "DE", "region": "Frankfurt DC2", "operator": "acme-colo", "compellableBy": ["DE"] }</code>
/// </summary>
/// <remarks>Settable members: see <c>ServerOptions</c> (the JSON source generator and init-only defaults).</remarks>
public sealed record Location
{
    /// <summary>Most jurisdictions a location may name.</summary>
    public const int MaxCompellableBy = 64;

    /// <summary>ISO 3166-1 alpha-2 country the material or the server physically is in ("DE").</summary>
    public string Country { get; set; } = "";
    /// <summary>Region, site or data centre (free text, for people and reports).</summary>
    public string? Region { get; set; }
    /// <summary>Id of the provider operating it, in the legal register (an organisation running its own hardware registers itself).</summary>
    public string Operator { get; set; } = "";
    /// <summary>
    /// Countries or blocs whose law can compel the operator, beyond those Custos adds itself (the country the
    /// location is in, the operator's headquarters and its subprocessors' countries, from the register).
    /// </summary>
    public IReadOnlyList<string>? CompellableBy { get; set; }

    /// <summary>Null when valid, else what is wrong, naming the setting as <paramref name="where"/> ("location", "hsm.location").</summary>
    public string? Validate(string where)
    {
        if (!Jurisdictions.IsCountry(Country))
            return $"{where}.country '{Trim(Country)}' is not an ISO 3166-1 alpha-2 country code such as DE (a bloc such as EU is not a place)";
        if (Region is { Length: > 256 }) return $"{where}.region is at most 256 characters";
        if (!Provider.IsValidId(Operator))
            return $"{where}.operator '{Trim(Operator)}' is not the id of a provider in the legal register (1-64 characters of a-z, 0-9 and '-')";
        if (CompellableBy is { Count: > MaxCompellableBy }) return $"{where}.compellableBy names at most {MaxCompellableBy} jurisdictions";
        foreach (var code in CompellableBy ?? [])
        {
            if (!Jurisdictions.IsValid(code))
                return $"{where}.compellableBy: '{Trim(code)}' is not an ISO 3166-1 alpha-2 code or a bloc ({string.Join(", ", Jurisdictions.Blocs)})";
        }
        return null;
    }

    /// <summary>"DE (Frankfurt DC2), operated by 'acme-colo'".</summary>
    public string Describe() => $"{Country}{(Region is { Length: > 0 } r ? $" ({r})" : "")}, operated by '{Operator}'";

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";
}
