using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// One data category as the assessment sees it (read and checked by <see cref="CategoryInventory.Parse"/>):
/// how sensitive it is, which regimes apply, how available its keys must be, who uses them, and where
/// they may live.
/// </summary>
public sealed record CategoryProfile
{
    /// <summary>The data-category label keys carry (1-64 of letters, digits, '-', '_', '.', ':').</summary>
    public required string Name { get; init; }
    /// <summary>What the data is, for people.</summary>
    public string? Description { get; init; }
    /// <summary>Sensitivity, which becomes the keys' classification.</summary>
    public required Classification Sensitivity { get; init; }
    /// <summary>Regulatory regimes that apply.</summary>
    public IReadOnlyList<Regime> Regimes { get; init; } = [];
    /// <summary>How available its keys must be.</summary>
    public Availability Availability { get; init; } = Availability.Standard;
    /// <summary>Used by cloud-native developer teams that need scale and self-service.</summary>
    public bool DeveloperFacing { get; init; }
    /// <summary>Countries or blocs where the keys must stay.</summary>
    public IReadOnlyList<string> Jurisdictions { get; init; } = [CategoryInventory.DefaultJurisdiction];
    /// <summary>True when <see cref="Jurisdictions"/> was given (not the default).</summary>
    public bool JurisdictionsGiven { get; init; }
    /// <summary>No single jurisdiction's legal process (for example a foreign production order) may be enough to unwrap.</summary>
    public bool LegalIsolation { get; init; }
    /// <summary>A regulator or the organisation's own rules require keys under its physical control.</summary>
    public bool PhysicalControl { get; init; }
    /// <summary>The group whose members use the keys.</summary>
    public required string Group { get; init; }
    /// <summary>The group whose approvers approve decrypts of restricted and secret data.</summary>
    public required string ApproverGroup { get; init; }

    /// <summary>True when a regime that applies asks for <paramref name="trait"/>.</summary>
    public bool Any(Func<Regime, bool> trait) => Regimes.Any(trait);

    /// <summary>The codes of the regimes that ask for <paramref name="trait"/>.</summary>
    public string RegimesWith(Func<Regime, bool> trait) => string.Join(", ", Regimes.Where(trait).Select(r => r.Code));
}
