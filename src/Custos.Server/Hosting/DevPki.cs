using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Server.Hosting;

/// <summary>
/// A small PKI for dev mode and tests: an ECDSA P-256 CA and a server certificate for 127.0.0.1,
/// ::1 and localhost signed by it, written as PEM (private keys mode 0600). Reused when present.
/// </summary>
public static class DevPki
{
    /// <summary>Paths of the PKI files in a folder.</summary>
    public sealed record Files(string CaCert, string ServerCert, string ServerKey);

    /// <summary>Creates the files in <paramref name="dir"/> unless they exist already.</summary>
    public static Files Ensure(string dir, TimeProvider time)
    {
        Directory.CreateDirectory(dir);
        var files = new Files(Path.Combine(dir, "ca.pem"), Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key"));
        if (File.Exists(files.CaCert) && File.Exists(files.ServerCert) && File.Exists(files.ServerKey))
        {
            using var existing = X509Certificate2.CreateFromPemFile(files.ServerCert, files.ServerKey);
            if (existing.NotAfter > time.GetUtcNow().AddDays(7).UtcDateTime) return files;
        }
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Custos dev CA (NOT FOR PRODUCTION)", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(397), serial);

        WriteSecret(files.ServerKey, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(files.ServerCert, server.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        File.WriteAllText(files.CaCert, ca.ExportCertificatePem() + "\n");
        return files;
    }

    /// <summary>Writes a file readable by its owner only.</summary>
    public static void WriteSecret(string path, string contents)
    {
        using (var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var w = new StreamWriter(f)) w.Write(contents);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
