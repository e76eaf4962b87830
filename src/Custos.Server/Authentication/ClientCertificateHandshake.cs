using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Server.Authentication;

/// <summary>
/// Kestrel's client-certificate check: a certificate that <see cref="ClientCertificateAuthorities.Check"/>
/// refuses fails the TLS handshake, so no request is ever read from that connection. A connection without a
/// certificate is not this type's business (tokens still work).
/// </summary>
public sealed partial class ClientCertificateHandshake(ClientCertificateAuthorities authorities, TimeProvider time, ILogger<ClientCertificateHandshake> logger)
{
    /// <summary>The <c>ClientCertificateValidation</c> callback. The platform's own verdict (<paramref name="errors"/>, made against the system store) is ignored.</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var why = authorities.Check(certificate, chain?.ChainPolicy.ExtraStore, time.GetUtcNow());
        if (why is null) return true;
        Refused(logger, certificate.Subject, certificate.Issuer, why);
        return false;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "client certificate '{Subject}' (issuer '{Issuer}') refused at the TLS handshake: {Reason}")]
    private static partial void Refused(ILogger logger, string subject, string issuer, string reason);
}
