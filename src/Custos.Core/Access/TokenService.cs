using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Errors;
using Custos.Core.Ports;

namespace Custos.Core.Access;

/// <summary>
/// What a new token is: its name, roles, groups, lifetime, the networks it may be used from (null: any) and
/// the PEM public key its holder signs approvals with (null: the holder cannot approve).
/// </summary>
public sealed record TokenSpec(string Name, IEnumerable<string> Roles, TimeSpan? Ttl, IEnumerable<string>? Groups = null, IEnumerable<string>? AllowedNetworks = null,
    string? ApprovalKeyPem = null);

/// <summary>
/// Issues, checks, lists and revokes bearer tokens. A token is <c>cst_</c> followed by 43 base64url
/// characters (32 random bytes); only its SHA-256 hash is stored. Checked tokens are cached briefly
/// (revocation on this node takes effect at once, on other nodes within the cache time).
/// </summary>
public sealed class TokenService(ITokenRepository tokens, TimeProvider time)
{
    /// <summary>Prefix of every token, so secret scanners can find leaked ones.</summary>
    public const string Prefix = "cst_";
    private const int SecretChars = 43;
    private static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (AccessToken Token, DateTimeOffset CachedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>Makes a token; the secret is returned once and never stored.</summary>
    public Task<Result<(AccessToken Token, string Secret)>> CreateAsync(
        string name, IEnumerable<string> roles, TimeSpan? ttl, CancellationToken cancellationToken) =>
        CreateAsync(new TokenSpec(name, roles, ttl), null, cancellationToken);

    /// <summary>Makes a token as <paramref name="spec"/> says, writing <paramref name="auditEvent"/> in the same transaction.</summary>
    public async Task<Result<(AccessToken Token, string Secret)>> CreateAsync(TokenSpec spec, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Length > 128) return CustosError.Invalid("token name is 1 to 128 characters");
        var roles = Roles.Normalize(spec.Roles);
        if (!roles.IsSuccess) return roles.Error;
        var groups = Roles.NormalizeGroups(spec.Groups);
        if (!groups.IsSuccess) return groups.Error;
        if (spec.Ttl is { } t && (t < TimeSpan.FromMinutes(1) || t > TimeSpan.FromDays(3650))) return CustosError.Invalid("token ttl is 1 minute to 10 years");
        var networks = NetworkAllowlist.Normalize(spec.AllowedNetworks);
        if (!networks.IsSuccess) return networks.Error;
        byte[]? approvalKey = null;
        if (spec.ApprovalKeyPem is not null)
        {
            if (Crypto.Signing.VerificationKey.FromPem(spec.ApprovalKeyPem, out var problem) is not { } key)
                return CustosError.Invalid($"approvalKey: {problem}");
            approvalKey = key.ToSpki();
        }
        var (token, secret) = NewToken(spec.Name, roles.Value, spec.Ttl);
        token = token with { AllowedNetworks = networks.Value, Groups = groups.Value, ApprovalKey = approvalKey };
        await tokens.InsertAsync(token, auditEvent, cancellationToken);
        return (token, secret);
    }

    /// <summary>A fresh token record and its secret (not stored by this method).</summary>
    public (AccessToken Token, string Secret) NewToken(string name, IReadOnlySet<string> roles, TimeSpan? ttl)
    {
        var now = time.GetUtcNow();
        Span<byte> raw = stackalloc byte[32];
        RandomNumberGenerator.Fill(raw);
        var secret = Prefix + Base64Url(raw);
        CryptographicOperations.ZeroMemory(raw);
        var id = "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var token = new AccessToken(id, name, Hash(secret), roles, now, now + ttl, null);
        return (token, secret);
    }

    /// <summary>The principal for a presented token, or an Unauthenticated error.</summary>
    public ValueTask<Result<Principal>> AuthenticateAsync(string? presented, CancellationToken cancellationToken) =>
        AuthenticateAsync(presented, null, checkNetwork: false, cancellationToken);

    /// <summary>
    /// The principal for a token presented from <paramref name="client"/>; a token with an allowlist is
    /// refused from any other address (and when the address is unknown).
    /// </summary>
    public ValueTask<Result<Principal>> AuthenticateAsync(string? presented, System.Net.IPAddress? client, CancellationToken cancellationToken) =>
        AuthenticateAsync(presented, client, checkNetwork: true, cancellationToken);

    private async ValueTask<Result<Principal>> AuthenticateAsync(string? presented, System.Net.IPAddress? client, bool checkNetwork, CancellationToken cancellationToken)
    {
        if (presented is null || presented.Length != Prefix.Length + SecretChars || !presented.StartsWith(Prefix, StringComparison.Ordinal))
            return new CustosError(ErrorCode.Unauthenticated, "missing or malformed token");
        var now = time.GetUtcNow();
        var hash = Hash(presented);
        var cacheKey = Convert.ToBase64String(hash);
        AccessToken? token;
        if (_cache.TryGetValue(cacheKey, out var hit) && now - hit.CachedAt < CacheTime)
        {
            token = hit.Token;
        }
        else
        {
            token = await tokens.FindByHashAsync(hash, cancellationToken);
            if (token is not null) _cache[cacheKey] = (token, now);
        }
        if (token is null || !token.IsActive(now))
            return new CustosError(ErrorCode.Unauthenticated, "unknown, expired or revoked token");
        if (checkNetwork && !token.AllowsAddress(client))
            return new CustosError(ErrorCode.Unauthenticated, "this token may not be used from this network address (see its allowed networks)");
        return token.ToPrincipal();
    }

    /// <summary>Every token's record.</summary>
    public Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken cancellationToken) => tokens.ListAsync(cancellationToken);

    /// <summary>Revokes a token by accessor id.</summary>
    public Task<Result<AccessToken>> RevokeAsync(string id, CancellationToken cancellationToken) => RevokeAsync(id, null, cancellationToken);

    /// <summary>Revokes a token, writing <paramref name="auditEvent"/> in the same transaction.</summary>
    public async Task<Result<AccessToken>> RevokeAsync(string id, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        if (!await tokens.RevokeAsync(id, time.GetUtcNow(), auditEvent, cancellationToken))
            return new CustosError(ErrorCode.NotFound, $"token '{id}' not found");
        foreach (var (k, v) in _cache)
        {
            if (v.Token.Id == id) _cache.TryRemove(k, out _);
        }
        var token = await tokens.GetAsync(id, cancellationToken);
        return token is null ? new CustosError(ErrorCode.NotFound, $"token '{id}' not found") : token;
    }

    /// <summary>SHA-256 of the token text: what the store keeps and looks up.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(ReadOnlySpan<byte> b) =>
        Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
