namespace Custos.Core.Access;

/// <summary>One published justification code and what it means (see <see cref="Justification.Codes"/>).</summary>
public sealed record JustificationCode(string Code, string Description);
