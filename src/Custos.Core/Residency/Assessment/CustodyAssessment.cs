namespace Custos.Core.Residency.Assessment;

/// <summary>The result of <see cref="CustodyAssessor.Assess"/>: one recommendation per category and the starting policy.</summary>
/// <param name="Organisation">Who it is for, when the input said.</param>
/// <param name="Categories">The recommendations, in input order.</param>
/// <param name="Procedure">The decision rules applied, in order.</param>
/// <param name="Policy">The starting policy.</param>
public sealed record CustodyAssessment(
    string? Organisation, IReadOnlyList<CategoryAssessment> Categories, IReadOnlyList<ProcedureStep> Procedure, PolicyDraft Policy);

