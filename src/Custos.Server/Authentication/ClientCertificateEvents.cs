using System.Security.Claims;
using Custos.Core.Errors;
using Custos.Server.Api.Rest;
using Custos.Server.Hosting;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Custos.Server.Authentication;

/// <summary>
/// Turns a client certificate that passed the handshake (and the certificate handler's own chain check)
/// into the configured principal, exactly as <see cref="BearerTokenHandler"/> does for a token: the
/// <see cref="Core.Access.Principal"/> goes on the request with its audit <see cref="Core.Audit.RequestInfo"/>.
/// A certificate that is no principal's, or is used from outside the principal's networks, answers 401
/// problem+json saying why.
/// </summary>
public sealed class ClientCertificateEvents(CertificatePrincipals principals) : CertificateAuthenticationEvents
{
    private const string FailureItemKey = "custos.certificate-failure";

    /// <inheritdoc />
    public override Task CertificateValidated(CertificateValidatedContext context)
    {
        var http = context.HttpContext;
        var resolved = principals.Resolve(context.ClientCertificate, http.Connection.RemoteIpAddress);
        if (!resolved.IsSuccess)
        {
            context.Fail(resolved.Error.Message);
            return Task.CompletedTask;
        }
        var principal = resolved.Value;
        if (http.Items[AuditMiddleware.ItemKey] is Core.Audit.RequestInfo request) principal = principal with { Request = request };
        http.Items[PrincipalAccessor.ItemKey] = principal;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal.Id), new Claim(ClaimTypes.Name, principal.Name)],
            CertificateAuthenticationDefaults.AuthenticationScheme);
        context.Principal = new ClaimsPrincipal(identity);
        context.Success();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task AuthenticationFailed(CertificateAuthenticationFailedContext context)
    {
        context.HttpContext.Items[FailureItemKey] = context.Exception.Message;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task Challenge(CertificateChallengeContext context)
    {
        // The handler would answer 403 (a certificate cannot be asked for again); an unusable credential is a 401 here, as for tokens.
        context.HandleResponse();
        var detail = context.HttpContext.Items[FailureItemKey] as string ?? "the client certificate was not accepted";
        return ProblemMapper.Problem(ErrorCode.Unauthenticated, detail).ExecuteAsync(context.HttpContext);
    }
}
