using System.Security.Cryptography.X509Certificates;
using Custos.Server.Authentication;

namespace Custos.Custodian;

/// <summary>
/// Which configured Custos server a client certificate belongs to: it must chain to the configured client CA (never
/// the system store, clientAuth, within validity; <see cref="ClientCertificateAuthorities"/>) and match one server's
/// subject DN or SAN (<see cref="CertificateMatcher"/>). Used at the TLS handshake (a certificate that fails is refused
/// before any request is read) and on every request (to name the server and its declared location).
/// </summary>
public sealed class TrustedServers
{
    private readonly ClientCertificateAuthorities _authorities;
    private readonly List<(TrustedServerOptions Server, CertificateMatcher Matcher)> _servers;
    private readonly TimeProvider _time;

    /// <summary>Loads the CA file and the matchers; throws <see cref="ArgumentException"/> when either is wrong.</summary>
    public TrustedServers(CustodianOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authorities = ClientCertificateAuthorities.Load([options.ClientCaFile]);
        if (!authorities.IsSuccess) throw new ArgumentException("clientCaFile: " + authorities.Error.Message);
        _authorities = authorities.Value;
        _servers = [];
        foreach (var server in options.Servers)
        {
            var matcher = server.Subject.Contains(':', StringComparison.Ordinal) && !server.Subject.Contains('=', StringComparison.Ordinal)
                ? CertificateMatcher.ForSan(server.Subject) : CertificateMatcher.ForSubject(server.Subject);
            if (!matcher.IsSuccess) throw new ArgumentException($"servers '{server.Name}': {matcher.Error.Message}");
            _servers.Add((server, matcher.Value));
        }
        _time = time;
    }

    /// <summary>The server <paramref name="certificate"/> identifies, or null with <paramref name="why"/>.</summary>
    public TrustedServerOptions? Identify(X509Certificate2? certificate, IEnumerable<X509Certificate2>? presented, out string why)
    {
        if (certificate is null) { why = "no client certificate"; return null; }
        if (_authorities.Check(certificate, presented, _time.GetUtcNow()) is { } invalid) { why = invalid; return null; }
        var sans = SubjectAlternativeNames.Read(certificate);
        foreach (var (server, matcher) in _servers)
        {
            if (matcher.Matches(certificate, sans)) { why = ""; return server; }
        }
        why = "it is not the certificate of a server this custodian trusts";
        return null;
    }
}
