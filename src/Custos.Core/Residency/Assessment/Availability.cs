namespace Custos.Core.Residency.Assessment;

/// <summary>How much a data category's users suffer when its keys cannot be used, lowest to highest.</summary>
public enum Availability
{
    /// <summary>An outage of hours is tolerable: one site, restore from backup.</summary>
    Standard,
    /// <summary>Must keep working when one machine or one site is lost.</summary>
    High,
    /// <summary>Must keep working when a site or a provider is lost; an outage is an incident.</summary>
    Critical,
}
