using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Cli.Http;

/// <summary>
/// Where the CLI talks to and with which credentials: from --addr/--token/--cacert/--cert/--cert-key or
/// CUSTOS_ADDR/CUSTOS_TOKEN/CUSTOS_CACERT/CUSTOS_CLIENT_CERT/CUSTOS_CLIENT_KEY. A token, a client
/// certificate, or both may be given (the server reads the token first).
/// </summary>
public sealed record Connection(Uri Address, string? Token, string? CaCertFile)
{
    /// <summary>The client certificate (with its private key) for mutual TLS, if one was given.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Certificates after the first in the --cert file (intermediate CAs), sent along with it.</summary>
    public X509Certificate2Collection ClientChain { get; init; } = [];

    /// <summary>Resolves the connection from options and environment.</summary>
    public static Connection Resolve(string? addr, string? token, string? caCert, string? clientCert = null, string? clientKey = null)
    {
        addr ??= Environment.GetEnvironmentVariable("CUSTOS_ADDR");
        token ??= Environment.GetEnvironmentVariable("CUSTOS_TOKEN");
        caCert ??= Environment.GetEnvironmentVariable("CUSTOS_CACERT");
        clientCert ??= Environment.GetEnvironmentVariable("CUSTOS_CLIENT_CERT");
        clientKey ??= Environment.GetEnvironmentVariable("CUSTOS_CLIENT_KEY");
        if (string.IsNullOrWhiteSpace(addr))
            throw new CliException("no server address: set CUSTOS_ADDR (for dev mode: source ./.custos-dev/env) or pass --addr", 2);
        if (!Uri.TryCreate(addr, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new CliException($"'{addr}' is not an https:// address", 2);
        if (caCert is { Length: > 0 } && !File.Exists(caCert)) throw new CliException($"CA certificate file '{caCert}' does not exist", 2);
        var connection = new Connection(uri, string.IsNullOrWhiteSpace(token) ? null : token.Trim(), string.IsNullOrWhiteSpace(caCert) ? null : caCert);
        return LoadClientCertificate(connection, string.IsNullOrWhiteSpace(clientCert) ? null : clientCert, string.IsNullOrWhiteSpace(clientKey) ? null : clientKey);
    }

    private static Connection LoadClientCertificate(Connection connection, string? certFile, string? keyFile)
    {
        if (certFile is null && keyFile is null) return connection;
        if (certFile is null) throw new CliException("--cert-key (CUSTOS_CLIENT_KEY) was given without --cert (CUSTOS_CLIENT_CERT): give both", 2);
        if (keyFile is null) throw new CliException("--cert (CUSTOS_CLIENT_CERT) was given without --cert-key (CUSTOS_CLIENT_KEY): give both", 2);
        if (!File.Exists(certFile)) throw new CliException($"client certificate file '{certFile}' does not exist", 2);
        if (!File.Exists(keyFile)) throw new CliException($"client certificate key file '{keyFile}' does not exist", 2);
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certFile);
            var chain = new X509Certificate2Collection();
            foreach (var c in all.Skip(1)) chain.Add(c);
            return connection with { ClientCertificate = certificate, ClientChain = chain };
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key that is not the certificate's.
            throw new CliException($"client certificate '{certFile}' with key '{keyFile}' cannot be used: {e.Message} (both must be PEM, the key unencrypted and matching the certificate)", 2);
        }
    }

    /// <summary>An HttpClient that trusts the configured CA (or the system store when none is set) and presents the client certificate, if any.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (CaCertFile is not null)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(CaCertFile);
            handler.SslOptions.RemoteCertificateValidationCallback = Custos.Client.CustosTls.ChainsTo(trust);
        }
        if (ClientCertificate is not null)
        {
            // A certificate context rather than a collection: it is always sent (whatever CAs the server lists) with its intermediates.
            handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(ClientCertificate, ClientChain, offline: true);
        }
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (Token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return client;
    }

    /// <summary>
    /// An SDK client for the data plane with the same address, trust and credentials, sending
    /// <paramref name="justification"/> (when given) with every request. Idempotent calls are retried twice.
    /// </summary>
    public Custos.Client.CustosClient CreateSdkClient(Core.Access.Justification? justification) => new(new Custos.Client.CustosClientOptions
    {
        Address = Address,
        Token = Token,
        CaCertificateFile = CaCertFile,
        ClientCertificate = ClientCertificate,
        ClientCertificateChain = ClientChain,
        Timeout = TimeSpan.FromSeconds(60),
        MaxRetries = 2,
        Headers = justification is null ? null
            : new Dictionary<string, string> { [Core.Access.Justification.HeaderName] = justification.ToHeaderValue() },
    });
}
