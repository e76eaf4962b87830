namespace Custos.Core.Access.Policy;

/// <summary>The published justification codes as policies name them (the list lives with <see cref="Justification"/>).</summary>
internal static class Justifications
{
    public static IReadOnlyList<string> Codes { get; } = [.. Justification.Codes.Select(c => c.Code)];

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);
}
