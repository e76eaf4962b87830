using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Client;

/// <summary>
/// How the SDK reaches a Custos server over TLS: trusting only the configured CA certificates (or the system store when none
/// is set), and presenting a client certificate when one is configured. Public so that calls the SDK does not cover (key
/// management, for instance) can use the same trust.
/// </summary>
public static class CustosTls
{
    /// <summary>
    /// A server-certificate check that accepts only a certificate naming the host (as the TLS stack judged it) and chaining to
    /// one of <paramref name="roots"/>: custom root trust, no system roots, no revocation check (a private CA publishes none).
    /// </summary>
    public static RemoteCertificateValidationCallback ChainsTo(X509Certificate2Collection roots) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    };

    /// <summary>A handler with the trust and client certificate of <paramref name="options"/> (what <see cref="CustosClient"/> uses).</summary>
    public static SocketsHttpHandler CreateHandler(CustosClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.ConnectTimeout };
        if (options.ServerCertificateValidation is { } custom)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                certificate is not null && custom(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), chain, errors);
        }
        else if (options.CaCertificateFile is not null || options.CaCertificates is not null)
        {
            var trust = new X509Certificate2Collection();
            if (options.CaCertificates is { } given) trust.AddRange(given);
            if (options.CaCertificateFile is { } file)
            {
                if (!File.Exists(file)) throw new ArgumentException($"CA certificate file '{file}' does not exist", nameof(options));
                trust.ImportFromPemFile(file);
            }
            handler.SslOptions.RemoteCertificateValidationCallback = ChainsTo(trust);
        }
        if (options.ClientCertificate is { } client)
            handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(client, options.ClientCertificateChain, offline: true);
        return handler;
    }
}
