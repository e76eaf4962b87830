namespace Custos.Core.Seal;

/// <summary>What <c>custos status</c> and <c>GET /v1/health</c> report about the seal.</summary>
public sealed record SealStatus(bool Initialized, bool Sealed, string? Type, int Threshold, int Shares, int Progress);

/// <summary>What initialisation hands out, once: the shares and the root token.</summary>
public sealed record InitResult(IReadOnlyList<string> Shares, string RootToken, string RootKeyId);
