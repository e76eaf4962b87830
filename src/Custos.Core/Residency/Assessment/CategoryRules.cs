using Custos.Core.Access.Policy;

namespace Custos.Core.Residency.Assessment;

/// <summary>The policy rules drafted for one category, what they do in words, and a comment per rule id.</summary>
/// <param name="Access">Access rules scoped to the category's keys.</param>
/// <param name="Residency">The residency rule for the category's keys.</param>
/// <param name="Notes">What the rules do and why, one sentence each.</param>
/// <param name="Comments">Comment lines per rule id.</param>
internal sealed record CategoryRules(
    IReadOnlyList<PolicyRule> Access, ResidencyRule Residency, IReadOnlyList<string> Notes, IReadOnlyDictionary<string, IReadOnlyList<string>> Comments);
