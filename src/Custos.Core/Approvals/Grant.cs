using Custos.Core.Access;

namespace Custos.Core.Approvals;

/// <summary>
/// What the approvals of a data-plane request yield: <see cref="PrincipalId"/> may do <see cref="Operation"/>
/// with <see cref="KeyId"/> under the encryption context hashing to <see cref="ContextSha256"/>, until
/// <see cref="ExpiresAt"/>, at most <see cref="Uses"/> times. Revoked, expired or used-up grants no longer count.
/// </summary>
public sealed record Grant(
    string Id,
    string ApprovalId,
    string PrincipalId,
    Operation Operation,
    string? KeyId,
    string ContextSha256,
    IReadOnlyList<string> ApprovedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int Uses,
    int UsesLeft,
    DateTimeOffset? RevokedAt = null,
    string? RevokedBy = null)
{
    /// <summary>True when the grant still serves requests at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && UsesLeft > 0 && ExpiresAt > now;

    /// <summary>"live", "revoked", "used-up" or "expired".</summary>
    public string StateAt(DateTimeOffset now) =>
        RevokedAt is not null ? "revoked" : UsesLeft <= 0 ? "used-up" : ExpiresAt <= now ? "expired" : "live";

    /// <summary>A new grant id: <c>grt_</c> and 24 hex digits.</summary>
    public static string NewId() => "grt_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    /// <summary>True when <paramref name="id"/> has the shape of a grant id.</summary>
    public static bool IsValidId(string? id) => ApprovalRequest.IsIdShaped(id, "grt_");
}
