using System.Security.Cryptography.X509Certificates;

namespace Custos.Cli.Http;

/// <summary>Where the CLI talks to: from --addr/--token/--cacert or CUSTOS_ADDR/CUSTOS_TOKEN/CUSTOS_CACERT.</summary>
public sealed record Connection(Uri Address, string? Token, string? CaCertFile)
{
    /// <summary>Resolves the connection from options and environment.</summary>
    public static Connection Resolve(string? addr, string? token, string? caCert)
    {
        addr ??= Environment.GetEnvironmentVariable("CUSTOS_ADDR");
        token ??= Environment.GetEnvironmentVariable("CUSTOS_TOKEN");
        caCert ??= Environment.GetEnvironmentVariable("CUSTOS_CACERT");
        if (string.IsNullOrWhiteSpace(addr))
            throw new CliException("no server address: set CUSTOS_ADDR (for dev mode: source ./.custos-dev/env) or pass --addr", 2);
        if (!Uri.TryCreate(addr, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new CliException($"'{addr}' is not an https:// address", 2);
        if (caCert is { Length: > 0 } && !File.Exists(caCert)) throw new CliException($"CA certificate file '{caCert}' does not exist", 2);
        return new Connection(uri, string.IsNullOrWhiteSpace(token) ? null : token.Trim(), string.IsNullOrWhiteSpace(caCert) ? null : caCert);
    }

    /// <summary>An HttpClient that trusts the configured CA (or the system store when none is set).</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (CaCertFile is not null)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(CaCertFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null) return false;
                if ((errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(trust);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(cert));
            };
        }
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (Token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return client;
    }
}
