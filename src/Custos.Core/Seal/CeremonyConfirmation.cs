namespace Custos.Core.Seal;

/// <summary>One verified operator confirmation to store.</summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="Operator">The operator's name.</param>
/// <param name="Signature">Their signature over the transcript (already verified).</param>
/// <param name="At">When it arrived.</param>
/// <param name="ConfirmationsBefore">How many confirmations the ceremony had when it was checked.</param>
/// <param name="Completes">True when it is the one that reaches the threshold.</param>
public sealed record CeremonyConfirmation(string CeremonyId, string Operator, byte[] Signature, DateTimeOffset At, int ConfirmationsBefore, bool Completes);
