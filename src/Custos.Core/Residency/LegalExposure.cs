namespace Custos.Core.Residency;

/// <summary>One jurisdiction whose law can compel the operator of a location, and why Custos counts it.</summary>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 country or bloc.</param>
/// <param name="Reason">"the location is there", "declared in compellableBy", "headquarters of provider 'x'", "subprocessor 'y' of provider 'x'".</param>
public sealed record Exposure(string Jurisdiction, string Reason);

/// <summary>
/// The legal exposure of a location: every jurisdiction whose law can compel whoever operates it. Physical
/// location is not legal immunity: besides the country the location is in and what its configuration declares,
/// the operator's headquarters country and the countries of its subprocessors count, read from the legal register.
/// </summary>
public static class LegalExposure
{
    /// <summary>The jurisdictions, each once with the first reason found, in the order: location, declared, headquarters, subprocessors.</summary>
    public static IReadOnlyList<Exposure> Of(Location location, Provider? provider)
    {
        var result = new List<Exposure>(4);
        void Add(string code, string reason)
        {
            if (!result.Exists(e => e.Jurisdiction == code)) result.Add(new Exposure(code, reason));
        }
        Add(location.Country, "the location is there");
        foreach (var code in location.CompellableBy ?? []) Add(code, "declared in compellableBy");
        if (provider is not null)
        {
            Add(provider.HeadquartersCountry, $"headquarters of provider '{provider.Id}'");
            foreach (var s in provider.Subprocessors ?? []) Add(s.Country, $"subprocessor '{s.Name}' of provider '{provider.Id}'");
        }
        return result;
    }
}
