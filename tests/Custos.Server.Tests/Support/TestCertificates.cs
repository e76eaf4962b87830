using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Server.Hosting;

namespace Custos.Server.Tests.Support;

/// <summary>Client certificates and CAs for the mutual-TLS tests: the real issuing code where it fits, hand-made ones for what it refuses to make.</summary>
public static class TestCertificates
{
    /// <summary>TLS client authentication (id-kp-clientAuth).</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>A client certificate from the CA in <paramref name="caDir"/>, issued by <c>custos tls client-cert</c>'s code, loaded with its key.</summary>
    public static X509Certificate2 Issue(string caDir, string name)
    {
        var files = DevPki.IssueClientCertificate(caDir, name, Path.Combine(caDir, "clients-" + Guid.NewGuid().ToString("N")), 30, TimeProvider.System);
        return X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);
    }

    /// <summary>The CA in a dev PKI folder, with its private key.</summary>
    public static X509Certificate2 LoadCa(string caDir) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(caDir, "ca.pem"), Path.Combine(caDir, "ca.key"));

    /// <summary>A new self-signed CA, with its key, valid from <paramref name="daysAgo"/> days ago for a year.</summary>
    public static X509Certificate2 NewCa(string subject, int daysAgo = 1)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddDays(-daysAgo), now.AddYears(1));
        return X509Certificate2.CreateFromPem(ca.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// A certificate signed by <paramref name="issuer"/> (which holds its key) for <paramref name="subject"/>,
    /// valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: yesterday to next month),
    /// with the extended key usages <paramref name="ekus"/> (default: clientAuth; empty: no EKU extension) and
    /// subject alternative names <paramref name="sans"/> ("dns:", "email:", "uri:").
    /// </summary>
    public static X509Certificate2 Make(X509Certificate2 issuer, string subject, string[]? ekus = null, string[]? sans = null,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        ekus ??= [ClientAuth];
        if (ekus.Length > 0) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. ekus.Select(e => new Oid(e))], false));
        if (sans is { Length: > 0 })
        {
            var builder = new SubjectAlternativeNameBuilder();
            foreach (var san in sans)
            {
                var (kind, value) = (san[..san.IndexOf(':', StringComparison.Ordinal)], san[(san.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                if (kind == "dns") builder.AddDnsName(value);
                else if (kind == "email") builder.AddEmailAddress(value);
                else builder.AddUri(new Uri(value));
            }
            request.CertificateExtensions.Add(builder.Build());
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var issuerStart = new DateTimeOffset(issuer.NotBefore.ToUniversalTime());
        using var certificate = request.Create(issuer, notBefore ?? (issuerStart > now.AddDays(-1) ? issuerStart : now.AddDays(-1)), notAfter ?? now.AddDays(30), serial);
        return X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes <paramref name="certificates"/> as one PEM file and returns its path.</summary>
    public static string WritePem(string path, params X509Certificate2[] certificates)
    {
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }
}
