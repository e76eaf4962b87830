using Custos.Core.Keys;

namespace Custos.Core.Access.Policy;

/// <summary>
/// Creating a key of the top classification (secret), or raising a key to it, is a key ceremony: at least
/// <see cref="Approvals"/> approvers (in <see cref="Group"/> when set) must each sign the exact request,
/// whatever the policy says (a policy may ask for more, never for fewer). Their signed statements are the
/// ceremony's transcript, written to the audit log as one <c>ceremony.key-create</c> event. Zero turns the
/// rule off (dev mode does, and says so).
/// </summary>
public sealed record KeyCeremonyRule(int Approvals, string? Group)
{
    /// <summary>The pseudo-rule id shown in refusals, approval requests and audit events.</summary>
    public const string RuleId = "key-ceremony";

    /// <summary>The production default: two approvers from any group.</summary>
    public static KeyCeremonyRule Default { get; } = new(2, null);

    /// <summary>Off (dev mode).</summary>
    public static KeyCeremonyRule Off { get; } = new(0, null);

    /// <summary>
    /// <paramref name="decision"/>, raised to a ceremony's approvals when the request makes a secret key: a create of one,
    /// or an edit turning a key that was not secret (<paramref name="before"/>) into one.
    /// </summary>
    public PolicyDecision Apply(PolicyDecision decision, AccessRequest request, KeyFacts? before)
    {
        if (Approvals <= 0 || decision.Kind == DecisionKind.Deny || request.Key is not { Classification: Classification.Secret }) return decision;
        bool makesSecret = request.Operation == Operation.CreateKey
            || (request.Operation == Operation.ManageKey && before is { Classification: not Classification.Secret });
        if (!makesSecret || (decision.Approvals?.Count ?? 0) >= Approvals) return decision;
        var from = Group is null ? "approvers" : $"approvers in group '{Group}'";
        return decision with
        {
            Kind = DecisionKind.ApprovalRequired,
            RuleId = RuleId,
            Reason = $"making a secret key is a key ceremony: {Approvals} {from} must each sign the exact request (rule '{decision.RuleId}' allowed it)",
            Approvals = new ApprovalRequirement { Count = Approvals, Group = Group, GrantMinutes = 1, GrantUses = 1 },
        };
    }
}
