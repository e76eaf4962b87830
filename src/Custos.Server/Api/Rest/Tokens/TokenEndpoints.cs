using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Tokens;

/// <summary>
/// POST /v1/tokens (create; the secret is returned once), GET /v1/tokens (list, never secrets),
/// POST /v1/tokens/{id}/revoke. Allowed by the policy's administer operation (security officers by default).
/// </summary>
public static class TokenEndpoints
{
    /// <summary>
    /// Create request: name, roles (default key-user and reader), groups, optional ttl in seconds, allowed networks,
    /// and the PEM public key (SPKI, ECDSA P-256 or Ed25519) the holder will sign approvals with.
    /// <see cref="Scopes"/> is the first release's name for roles, still accepted (admin, manage, use, audit, read).
    /// </summary>
    public sealed record CreateRequest(string? Name = null, IReadOnlyList<string>? Roles = null, long? TtlSeconds = null, IReadOnlyList<string>? AllowedNetworks = null,
        IReadOnlyList<string>? Groups = null, IReadOnlyList<string>? Scopes = null, string? ApprovalKey = null);

    /// <summary>
    /// A token's record; <see cref="Token"/> is set only in the create response. <see cref="ApprovalKeySha256"/> is the
    /// SHA-256 of the approval key's SubjectPublicKeyInfo (absent: the holder cannot approve).
    /// </summary>
    public sealed record TokenResponse(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? Token = null,
        IReadOnlyList<string>? AllowedNetworks = null, string? ApprovalKeySha256 = null);

    /// <summary>The list response.</summary>
    public sealed record ListResponse(IReadOnlyList<TokenResponse> Tokens);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder tokens)
    {
        tokens.MapPost("", Create).WithName("CreateToken").WithSummary("Create a token").Accepts<CreateRequest>("application/json")
            .Produces<TokenResponse>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403);
        tokens.MapGet("", List).WithName("ListTokens").WithSummary("List tokens").Produces<ListResponse>();
        tokens.MapPost("/{id}/revoke", Revoke).WithName("RevokeToken").WithSummary("Revoke a token").Produces<TokenResponse>().ProducesProblem(404);
    }

    private static async Task<IResult> Create(HttpContext http, AdministrationService admin, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.CreateRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        var req = body.Value ?? new CreateRequest();
        if (req.TtlSeconds is <= 0 or > 315_360_000) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "ttlSeconds is 60 to 315360000");
        TimeSpan? ttl = req.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        if (req.Roles is not null && req.Scopes is not null) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "give roles or (the older name) scopes, not both");
        var spec = new TokenSpec(req.Name ?? "token", req.Roles ?? req.Scopes ?? [Roles.KeyUser, Roles.Reader], ttl, req.Groups, req.AllowedNetworks, req.ApprovalKey);
        var result = await admin.CreateTokenAsync(http.Principal(), spec, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(From(result.Value.Token) with { Token = result.Value.Secret }, ApiJsonContext.Default.TokenResponse, statusCode: 201);
    }

    private static async Task<IResult> List(HttpContext http, AdministrationService admin, CancellationToken ct) =>
        (await admin.ListTokensAsync(http.Principal(), ct)).ToHttp(list => new ListResponse(list.Select(From).ToList()));

    private static async Task<IResult> Revoke(string id, HttpContext http, AdministrationService admin, CancellationToken ct) =>
        (await admin.RevokeTokenAsync(http.Principal(), id, ct)).ToHttp(From);

    private static TokenResponse From(AccessToken t) =>
        new(t.Id, t.Name, t.Roles.Order(StringComparer.Ordinal).ToList(), t.Groups.Order(StringComparer.Ordinal).ToList(), t.CreatedAt, t.ExpiresAt, t.RevokedAt, null, t.AllowedNetworks,
            t.ApprovalKey is { } k ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(k)) : null);
}
