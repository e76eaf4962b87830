namespace Custos.Core.Residency.Assessment;

/// <summary>The key attributes recommended for a category's keys, ready for <c>custos keys create</c>.</summary>
/// <param name="Alias">A suggested alias.</param>
/// <param name="Custody">The custody to create them with today: the recommended model, or its interim stand-in while that model is not implemented.</param>
/// <param name="Classification">The classification (the category's sensitivity).</param>
/// <param name="DataCategories">The data-category labels the policy's rules select.</param>
/// <param name="Jurisdictions">Where the keys may live.</param>
/// <param name="RotationDays">Automatic rotation period.</param>
/// <param name="CreateCommand">The <c>custos keys create</c> command line with these settings.</param>
public sealed record KeySettings(
    string Alias, string Custody, string Classification, IReadOnlyList<string> DataCategories, IReadOnlyList<string> Jurisdictions,
    int RotationDays, string CreateCommand);
