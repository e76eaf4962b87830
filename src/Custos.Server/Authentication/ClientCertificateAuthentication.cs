using Custos.Core.Access;
using Custos.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Server.Authentication;

/// <summary>
/// Registers mutual-TLS authentication next to bearer tokens. The default scheme becomes
/// <see cref="SchemeName"/>, which picks a handler per request: an <c>Authorization</c> header goes to the
/// token handler; otherwise a client certificate goes to the certificate handler; with neither the token
/// handler answers 401 as before.
/// </summary>
public static class ClientCertificateAuthentication
{
    /// <summary>The scheme that chooses between a token and a client certificate.</summary>
    public const string SchemeName = "CustosCredential";

    /// <summary>Adds the CAs, the principal map, the handshake check, the certificate handler and the selecting scheme.</summary>
    public static AuthenticationBuilder AddCustosClientCertificates(this AuthenticationBuilder builder, ClientCertificateOptions options)
    {
        var authorities = ClientCertificateAuthorities.Load(options.CaFiles ?? []);
        if (!authorities.IsSuccess) throw new ArgumentException(authorities.Error.Message);
        var principals = CertificatePrincipals.Create(options.Principals ?? []);
        if (!principals.IsSuccess) throw new ArgumentException(principals.Error.Message);
        builder.Services.AddSingleton(authorities.Value);
        builder.Services.AddSingleton(principals.Value);
        builder.Services.AddSingleton<IPrincipalSource>(principals.Value);
        builder.Services.AddSingleton<ClientCertificateHandshake>();
        builder.Services.AddSingleton<ClientCertificateEvents>();

        builder.AddCertificate(o =>
        {
            // The handshake already refused anything else; the handler checks again against the same roots.
            o.AllowedCertificateTypes = CertificateTypes.Chained;
            o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
            o.CustomTrustStore = authorities.Value.Roots;
            o.AdditionalChainCertificates = authorities.Value.Intermediates;
            o.RevocationMode = X509RevocationMode.NoCheck;
            o.ValidateCertificateUse = true;
            o.ValidateValidityPeriod = true;
            o.EventsType = typeof(ClientCertificateEvents);
        });
        builder.AddPolicyScheme(SchemeName, "Bearer token or client certificate", o =>
        {
            o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count == 0 && context.Connection.ClientCertificate is not null
                    ? CertificateAuthenticationDefaults.AuthenticationScheme
                    : BearerTokenHandler.SchemeName;
            // A 403 from an authorization policy reads the same for either credential.
            o.ForwardForbid = BearerTokenHandler.SchemeName;
        });
        return builder;
    }
}
