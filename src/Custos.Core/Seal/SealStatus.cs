namespace Custos.Core.Seal;

/// <summary>What <c>custos status</c> and <c>GET /v1/health</c> report about the seal.</summary>
/// <param name="Initialized">True once initialised.</param>
/// <param name="Sealed">True while no keyring is in memory.</param>
/// <param name="Type">The seal type.</param>
/// <param name="Threshold">K.</param>
/// <param name="Shares">N.</param>
/// <param name="Progress">Shares given so far towards an unseal.</param>
/// <param name="PendingCeremony">The init ceremony that still lacks confirmations (nothing can be unsealed until it completes), or null.</param>
public sealed record SealStatus(bool Initialized, bool Sealed, string? Type, int Threshold, int Shares, int Progress, string? PendingCeremony = null);

/// <summary>
/// What initialisation hands out, once: the shares (in clear only without a ceremony) and the root token;
/// with a ceremony, the transcript and the shares encrypted to their operators instead.
/// </summary>
public sealed record InitResult(IReadOnlyList<string> Shares, string RootToken, string RootKeyId, InitCeremonyResult? Ceremony = null);
