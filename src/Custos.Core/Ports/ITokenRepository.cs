using Custos.Core.Access;

namespace Custos.Core.Ports;

/// <summary>Persistence of access tokens. Only the SHA-256 hash of a token's secret is stored.</summary>
public interface ITokenRepository
{
    /// <summary>Stores a new token record.</summary>
    Task InsertAsync(AccessToken token, CancellationToken cancellationToken) => InsertAsync(token, null, cancellationToken);

    /// <summary>Stores a new token record and its audit event in one transaction.</summary>
    Task InsertAsync(AccessToken token, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>The token whose secret hashes to <paramref name="secretHash"/>, or null.</summary>
    Task<AccessToken?> FindByHashAsync(byte[] secretHash, CancellationToken cancellationToken);

    /// <summary>The token with that accessor id, or null.</summary>
    Task<AccessToken?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>All tokens, newest first (never their secrets).</summary>
    Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Marks a token revoked; false when there is no such token.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => RevokeAsync(id, at, null, cancellationToken);

    /// <summary>Marks a token revoked and writes its audit event in one transaction (nothing when there is no such token).</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);
}
