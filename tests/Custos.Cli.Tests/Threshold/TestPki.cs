using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// A test PKI in a folder: one CA that issues the custodians' server certificates (DNS SAN = the custodian's name,
/// plus 127.0.0.1) and the Custos servers' client certificates (CN = the server's name), and a second, unrelated CA
/// for the certificates that must be refused. Keys are ECDSA P-256, written as PEM (keys mode 0600).
/// </summary>
public sealed class TestPki
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;

    /// <summary>Makes both CAs in <paramref name="dir"/>.</summary>
    public TestPki(string dir)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
        _ca = MakeCa("CN=Custos threshold test CA");
        _otherCa = MakeCa("CN=Some other CA");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem() + "\n");
    }

    /// <summary>The folder.</summary>
    public string Dir { get; }
    /// <summary>The CA certificate (PEM): custodians' and servers' certificates chain to it.</summary>
    public string CaFile => Path.Combine(Dir, "ca.pem");

    /// <summary>A server certificate for <paramref name="name"/> (DNS SAN) and 127.0.0.1: (cert file, key file).</summary>
    public (string Cert, string Key) Server(string name) => Issue(_ca, name, $"server-{name}", serverAuth: true, dns: name);

    /// <summary>A client certificate CN=<paramref name="name"/> from the test CA, or from the unrelated CA.</summary>
    public (string Cert, string Key) Client(string name, bool untrustedCa = false) =>
        Issue(untrustedCa ? _otherCa : _ca, name, untrustedCa ? $"client-{name}-other" : $"client-{name}", serverAuth: false, dns: null);

    private (string Cert, string Key) Issue(X509Certificate2 ca, string cn, string file, bool serverAuth, string? dns)
    {
        var cert = Path.Combine(Dir, file + ".pem");
        var keyFile = Path.Combine(Dir, file + ".key");
        if (File.Exists(cert)) return (cert, keyFile);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (dns is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(dns);
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2), serial);
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(cert, issued.ExportCertificatePem() + "\n");
        return (cert, keyFile);
    }

    private static X509Certificate2 MakeCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(3));
    }
}
