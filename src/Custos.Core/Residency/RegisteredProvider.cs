namespace Custos.Core.Residency;

/// <summary>A legal-register entry as stored: the entry, and when and by whom it was last put.</summary>
public sealed record RegisteredProvider(Provider Provider, DateTimeOffset UpdatedAt, string UpdatedBy);
