using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Server.Hosting;

/// <summary>
/// A small PKI for dev mode, tests and trials: an ECDSA P-256 CA and a server certificate for 127.0.0.1,
/// ::1 and localhost signed by it, written as PEM (private keys mode 0600). Reused when present. The CA
/// key is kept (<c>ca.key</c>) so that the CA can also issue client certificates for mutual TLS.
/// </summary>
public static partial class DevPki
{
    /// <summary>Paths of the PKI files in a folder.</summary>
    public sealed record Files(string CaCert, string CaKey, string ServerCert, string ServerKey);

    /// <summary>A client certificate and its key, as written by <see cref="IssueClientCertificate"/>.</summary>
    public sealed record ClientFiles(string Certificate, string Key, DateTimeOffset NotAfter);

    /// <summary>TLS Web Client Authentication (id-kp-clientAuth).</summary>
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Creates the files in <paramref name="dir"/> unless they exist already. A server certificate that ends
    /// within 7 days is replaced; the CA is kept when its key is there and it has more than 30 days left (so
    /// client certificates it issued stay valid), else a new CA is made too.
    /// </summary>
    public static Files Ensure(string dir, TimeProvider time)
    {
        Directory.CreateDirectory(dir);
        var files = new Files(Path.Combine(dir, "ca.pem"), Path.Combine(dir, "ca.key"), Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key"));
        var now = time.GetUtcNow();
        if (File.Exists(files.CaCert) && File.Exists(files.ServerCert) && File.Exists(files.ServerKey))
        {
            using var existing = X509Certificate2.CreateFromPemFile(files.ServerCert, files.ServerKey);
            if (existing.NotAfter > now.AddDays(7).UtcDateTime) return files;
        }
        using var ca = ReusableCa(files, now) ?? NewCa(files, now);

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
        var notAfter = now.AddDays(397) < ca.NotAfter ? now.AddDays(397) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var server = request.Create(ca, now.AddMinutes(-5), notAfter, serial);

        WriteSecret(files.ServerKey, serverKey.ExportPkcs8PrivateKeyPem());
        WritePublic(files.ServerCert, server.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        return files;
    }

    // The CA already in the folder, with its key, when it has more than 30 days left.
    private static X509Certificate2? ReusableCa(Files files, DateTimeOffset now)
    {
        if (!File.Exists(files.CaCert) || !File.Exists(files.CaKey)) return null;
        var ca = X509Certificate2.CreateFromPemFile(files.CaCert, files.CaKey);
        if (ca.NotAfter > now.AddDays(30).UtcDateTime) return ca;
        ca.Dispose();
        return null;
    }

    // A new self-signed CA for five years; its key is written as ca.key (0600).
    private static X509Certificate2 NewCa(Files files, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Custos dev CA (NOT FOR PRODUCTION)", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using (var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5)))
        {
            WriteSecret(files.CaKey, caKey.ExportPkcs8PrivateKeyPem());
            WritePublic(files.CaCert, ca.ExportCertificatePem() + "\n");
        }
        return X509Certificate2.CreateFromPemFile(files.CaCert, files.CaKey);
    }

    /// <summary>
    /// Issues an ECDSA P-256 client certificate (CN=<paramref name="name"/>, clientAuth, random serial) signed
    /// by the CA in <paramref name="caDir"/>, written to <paramref name="outDir"/> as NAME.pem and NAME.key
    /// (mode 0600). It is valid for <paramref name="days"/> days, or until the CA expires if that is sooner.
    /// Existing files are never overwritten.
    /// </summary>
    public static ClientFiles IssueClientCertificate(string caDir, string name, string outDir, int days, TimeProvider time)
    {
        if (!ClientNamePattern().IsMatch(name))
            throw new ArgumentException($"client name '{name}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (it is the file name and the CN)");
        if (days is < 1 or > 3650) throw new ArgumentException("--days is 1 to 3650");
        var caCertPath = Path.Combine(caDir, "ca.pem");
        var caKeyPath = Path.Combine(caDir, "ca.key");
        if (!File.Exists(caCertPath)) throw new InvalidOperationException($"'{caDir}' holds no ca.pem: make a CA with 'custos tls dev-pki --out {caDir}'");
        if (!File.Exists(caKeyPath))
            throw new InvalidOperationException($"'{caDir}' holds no ca.key: this CA's key was not kept (CAs made before client certificates were supported), so it cannot issue; make a new CA with 'custos tls dev-pki --out NEWDIR'");
        Directory.CreateDirectory(outDir);
        var files = new ClientFiles(Path.Combine(outDir, name + ".pem"), Path.Combine(outDir, name + ".key"), default);
        foreach (var f in new[] { files.Certificate, files.Key })
        {
            if (File.Exists(f)) throw new InvalidOperationException($"'{f}' exists already; remove it or choose another --out or --name");
        }

        using var ca = X509Certificate2.CreateFromPemFile(caCertPath, caKeyPath);
        var now = time.GetUtcNow();
        var notAfter = now.AddDays(days) < ca.NotAfter ? now.AddDays(days) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        if (notAfter <= now) throw new InvalidOperationException($"the CA in '{caDir}' has expired: make a new one");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(ca, now.AddMinutes(-5), notAfter, serial);

        WriteSecret(files.Key, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(files.Certificate, certificate.ExportCertificatePem() + "\n");
        return files with { NotAfter = certificate.NotAfter.ToUniversalTime() };
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex ClientNamePattern();

    /// <summary>Writes a certificate file whole or not at all (a temporary file renamed over it), so that a client polling for
    /// the file (scripts, tests, <c>source env</c>) never reads it half written.</summary>
    private static void WritePublic(string path, string contents)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, contents);
        File.Move(temp, path, overwrite: true);
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
