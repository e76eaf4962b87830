using System.Security.Claims;
using System.Text.Encodings.Web;
using Custos.Core.Access;
using Custos.Server.Api.Rest;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Custos.Server.Hosting;

/// <summary>
/// Authenticates <c>Authorization: Bearer cst_...</c> against the token store and puts the resulting
/// <see cref="Principal"/> on the request. Failures answer 401 problem+json.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenService tokens, ServerOptions server)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "CustosToken";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("not a bearer token");
        var result = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.Connection.RemoteIpAddress, Context.RequestAborted);
        if (!result.IsSuccess) return AuthenticateResult.Fail(result.Error.Message);
        var principal = result.Value;
        if (Context.Items[AuditMiddleware.ItemKey] is Core.Audit.RequestInfo request) principal = principal with { Request = request };
        Context.Items[PrincipalAccessor.ItemKey] = principal;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal.Id), new Claim(ClaimTypes.Name, principal.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"custos\"";
        return ProblemMapper.Problem(Core.Errors.ErrorCode.Unauthenticated, server.ClientCertificates is null
            ? "a valid token is required: send 'Authorization: Bearer <token>' (see 'custos tokens create')"
            : "a valid token or client certificate is required: send 'Authorization: Bearer <token>' (see 'custos tokens create') or a client certificate mapped to a principal").ExecuteAsync(Context);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemMapper.Problem(Core.Errors.ErrorCode.Forbidden, "this credential may not do that").ExecuteAsync(Context);
}
