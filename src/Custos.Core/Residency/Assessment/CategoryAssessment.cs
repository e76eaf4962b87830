namespace Custos.Core.Residency.Assessment;

/// <summary>The recommendation for one data category, with everything a person needs to judge it.</summary>
public sealed record CategoryAssessment
{
    /// <summary>The data category.</summary>
    public required string Category { get; init; }
    /// <summary>What the data is.</summary>
    public string? Description { get; init; }
    /// <summary>The recommended custody (hsm, remote, threshold, software).</summary>
    public required string Model { get; init; }
    /// <summary>The recommended model, for people.</summary>
    public required string ModelTitle { get; init; }
    /// <summary>How keys are held under the model.</summary>
    public required string Pattern { get; init; }
    /// <summary>Whether Custos implements the model yet.</summary>
    public required bool Implemented { get; init; }
    /// <summary>When it is not implemented: the custody to use until it is, and why that one.</summary>
    public string? Interim { get; init; }
    /// <summary>When it is not implemented: what the interim stand-in means.</summary>
    public string? InterimNote { get; init; }
    /// <summary>The id of the decision rule that chose the model.</summary>
    public required string Rule { get; init; }
    /// <summary>Its number in the procedure.</summary>
    public required int RuleNumber { get; init; }
    /// <summary>The inputs that triggered it ("field: value").</summary>
    public required IReadOnlyList<string> Triggers { get; init; }
    /// <summary>Why: the rule's reasoning applied to this category, then what else in the inputs mattered.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }
    /// <summary>Later rules that matched too, and why they did not decide.</summary>
    public required IReadOnlyList<string> AlsoConsidered { get; init; }
    /// <summary>What the recommendation costs.</summary>
    public required IReadOnlyList<string> TradeOffs { get; init; }
    /// <summary>The recommended key settings.</summary>
    public required KeySettings Key { get; init; }
    /// <summary>What the generated policy does for this category, and why.</summary>
    public required IReadOnlyList<string> PolicyNotes { get; init; }
    /// <summary>The ids of the access and residency rules generated for it.</summary>
    public required IReadOnlyList<string> PolicyRules { get; init; }
}
