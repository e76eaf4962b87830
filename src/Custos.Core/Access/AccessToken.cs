namespace Custos.Core.Access;

/// <summary>
/// A bearer token's record. The secret is never stored: only its SHA-256 hash, which is what a
/// presented token is looked up by. <see cref="Id"/> is a non-secret accessor for listing and revoking.
/// </summary>
public sealed record AccessToken(
    string Id,
    string Name,
    byte[] SecretHash,
    IReadOnlySet<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    IReadOnlyList<string>? AllowedNetworks = null)
{
    private static readonly IReadOnlySet<string> NoGroups = new HashSet<string>();

    /// <summary>Groups the token's holder belongs to.</summary>
    public IReadOnlySet<string> Groups { get; init; } = NoGroups;

    /// <summary>
    /// The public key (DER SubjectPublicKeyInfo, ECDSA P-256 or Ed25519) the holder signs approvals with,
    /// registered when the token was made; null when the holder cannot approve. Never a private key.
    /// </summary>
    public byte[]? ApprovalKey { get; init; }

    /// <summary>
    /// True when the token may be used from <paramref name="client"/>: it has no network allowlist, or the
    /// address is in one of its networks (an IPv4 address seen as IPv4-mapped IPv6 counts as IPv4).
    /// </summary>
    public bool AllowsAddress(System.Net.IPAddress? client) => NetworkAllowlist.Allows(AllowedNetworks, client);

    /// <summary>True when the token may be used at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>The principal the token stands for.</summary>
    public Principal ToPrincipal() => new($"token:{Id}", Name, Roles) { Groups = Groups, PublicKey = ApprovalKey };
}
