namespace Custos.Server.Hosting;

/// <summary>
/// The <c>clientCertificates</c> section: mutual TLS. Certificates issued by one of <see cref="CaFiles"/>
/// (and by no other CA) are accepted at the TLS handshake and mapped to a principal by
/// <see cref="Principals"/>. Without this section Custos asks for no client certificate.
/// <code>"clientCertificates": {
///   "caFiles": ["/etc/custos/client-ca.pem"],
///   "principals": [ { "name": "billing", "san": "uri:spiffe://example.eu/billing", "roles": ["key-user"] } ] }</code>
/// </summary>
public sealed record ClientCertificateOptions
{
    /// <summary>PEM files of the CAs that issue client certificates (roots, and the intermediates between them and the clients).</summary>
    public IReadOnlyList<string> CaFiles { get; set; } = [];
    /// <summary>Which certificates are which principals.</summary>
    public IReadOnlyList<CertificatePrincipalOptions> Principals { get; set; } = [];

    /// <summary>
    /// Null when usable, else what is wrong, naming the entry: the CA files are read and checked here, and
    /// every principal entry is parsed (roles, groups, networks, exactly one matcher, unique names).
    /// </summary>
    public string? Validate() =>
        Authentication.ClientCertificateAuthorities.Load(CaFiles ?? []).Error?.Message
        ?? Authentication.CertificatePrincipals.Create(Principals ?? []).Error?.Message;
}
