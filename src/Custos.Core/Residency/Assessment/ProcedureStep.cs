namespace Custos.Core.Residency.Assessment;

/// <summary>One decision rule as shown in output: its number, id, what it chooses and why.</summary>
/// <param name="Number">Position, from 1.</param>
/// <param name="Id">Stable name.</param>
/// <param name="Model">The custody it recommends.</param>
/// <param name="ModelTitle">The model, for people.</param>
/// <param name="Condition">When it applies.</param>
/// <param name="Rationale">Why.</param>
public sealed record ProcedureStep(int Number, string Id, string Model, string ModelTitle, string Condition, string Rationale);
