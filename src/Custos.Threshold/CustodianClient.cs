using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Core.Residency;
using Custos.Core.Threshold;
using Custos.Threshold.Protocol;

namespace Custos.Threshold;

/// <summary>
/// One custodian as the Custos server reaches it: an <see cref="HttpClient"/> over mutual TLS (this server's client
/// certificate; the custodian's certificate must chain to the configured CA, never the system store, and carry the
/// expected name as a DNS or IP subject alternative name), HTTP/2 with keep-alive. Failures become
/// <see cref="CustodianCallException"/>: unreachable (transport, TLS, time-out) or refused (a problem+json answer).
/// </summary>
public sealed class CustodianClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client for <paramref name="endpoint"/>.</summary>
    public CustodianClient(CustodianEndpointOptions endpoint, X509Certificate2 clientCertificate, X509Certificate2Collection trustedRoots)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Name = endpoint.Name;
        Location = endpoint.Location;
        var address = new Uri(endpoint.Address.TrimEnd('/') + "/");
        ExpectedName = string.IsNullOrWhiteSpace(endpoint.ServerName) ? address.Host : endpoint.ServerName;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        handler.SslOptions.ClientCertificates = [clientCertificate];
        handler.SslOptions.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            certificate is X509Certificate2 presented && IsTrusted(presented, chain, trustedRoots, ExpectedName);
        _http = new HttpClient(handler)
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Timeout = Timeout.InfiniteTimeSpan, // callers bound every call with their own deadline
        };
    }

    /// <summary>Its configured name.</summary>
    public string Name { get; }
    /// <summary>Its declared location.</summary>
    public Location Location { get; }
    /// <summary>The name its certificate must carry.</summary>
    public string ExpectedName { get; }

    /// <summary>Sends a request and reads the JSON answer; throws <see cref="CustodianCallException"/> on any failure.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body, requestType);
        return await SendAsync(request, responseType, cancellationToken);
    }

    /// <summary>A body-less request (GET, DELETE).</summary>
    public async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        return await SendAsync(request, responseType, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TResponse>(HttpRequestMessage request, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CustodianCallException(Name, CustodianFaultKind.Unreachable, Transport(e), null, e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                CustodianProblem? problem = null;
                try { problem = await response.Content.ReadFromJsonAsync(CustodianJson.Default.CustodianProblem, cancellationToken); }
                catch (JsonException) { }
                catch (NotSupportedException) { }
                var detail = problem?.Detail is { Length: > 0 } d ? Bound(d) : $"HTTP {(int)response.StatusCode}";
                throw new CustodianCallException(Name, (int)response.StatusCode >= 500 && problem is null ? CustodianFaultKind.Unreachable : CustodianFaultKind.Refused,
                    detail, problem);
            }
            try
            {
                return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                    ?? throw new CustodianCallException(Name, CustodianFaultKind.Refused, "empty answer", null);
            }
            catch (JsonException e)
            {
                throw new CustodianCallException(Name, CustodianFaultKind.Refused, "its answer is not valid JSON", null, e);
            }
        }
    }

    private static string Transport(HttpRequestException e)
    {
        var inner = e.InnerException is { } i ? i.GetType().Name == "AuthenticationException" ? "TLS handshake failed" : i.Message : e.Message;
        return Bound(inner);
    }

    private static string Bound(string s) => s.Length <= 300 ? s : s[..300] + "...";

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <paramref name="roots"/> only (custom root trust, no
    /// downloads, no revocation) and names <paramref name="expectedName"/> in a DNS or IP subject alternative name.
    /// </summary>
    public static bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection roots, string expectedName)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        try
        {
            if (!chain.Build(certificate)) return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements) element.Certificate.Dispose();
        }
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return false;
        if (IPAddress.TryParse(expectedName, out var ip)) return san.EnumerateIPAddresses().Any(a => a.Equals(ip));
        return san.EnumerateDnsNames().Any(n => string.Equals(n, expectedName, StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>A custodian call that failed: unreachable, or refused with the custodian's own reason.</summary>
public sealed class CustodianCallException(string custodian, CustodianFaultKind kind, string detail, CustodianProblem? problem, Exception? inner = null)
    : Exception($"custodian {custodian}: {detail}", inner)
{
    /// <summary>The custodian's name.</summary>
    public string Custodian { get; } = custodian;
    /// <summary>Unreachable or Refused.</summary>
    public CustodianFaultKind Kind { get; } = kind;
    /// <summary>One phrase, safe to log.</summary>
    public string Detail { get; } = detail;
    /// <summary>The custodian's problem+json, when it answered one.</summary>
    public CustodianProblem? Problem { get; } = problem;
}
