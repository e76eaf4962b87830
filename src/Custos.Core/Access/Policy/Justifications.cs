namespace Custos.Core.Access.Policy;

/// <summary>The justification codes policies may name (the published list lives with <c>Justification</c>).</summary>
internal static class Justifications
{
    public static IReadOnlyList<string> Codes { get; } =
    [
        "customer-initiated-support", "customer-initiated-access", "scheduled-job", "system-maintenance", "data-migration",
        "backup-restore", "security-investigation", "legal-request", "regulatory-audit", "emergency", "other",
    ];

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);
}
