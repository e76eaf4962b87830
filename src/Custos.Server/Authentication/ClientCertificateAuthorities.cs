using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Core.Errors;

namespace Custos.Server.Authentication;

/// <summary>
/// The CAs that <c>clientCertificates.caFiles</c> names, and the check a client certificate must pass at
/// the TLS handshake: a chain to one of these roots and to no other (never the system store), within its
/// validity period, with the clientAuth extended key usage. Revocation is not checked.
/// </summary>
public sealed class ClientCertificateAuthorities
{
    /// <summary>The TLS Web Client Authentication extended key usage (RFC 5280 id-kp-clientAuth).</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private ClientCertificateAuthorities(X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        Roots = roots;
        Intermediates = intermediates;
    }

    /// <summary>The self-signed CAs: the only trust anchors.</summary>
    public X509Certificate2Collection Roots { get; }

    /// <summary>The other CAs of the files: used to complete chains, never trusted on their own.</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>Reads and checks the CA files: each exists, holds PEM certificates, each a CA; at least one is a root.</summary>
    public static Result<ClientCertificateAuthorities> Load(IReadOnlyList<string> files)
    {
        if (files.Count == 0) return CustosError.Invalid("clientCertificates.caFiles: name at least one CA certificate file (PEM)");
        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        for (int i = 0; i < files.Count; i++)
        {
            var where = $"clientCertificates.caFiles[{i}] '{files[i]}'";
            if (string.IsNullOrWhiteSpace(files[i]) || !File.Exists(files[i])) return CustosError.Invalid($"{where} does not exist");
            var read = new X509Certificate2Collection();
            try
            {
                read.ImportFromPemFile(files[i]);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                return CustosError.Invalid($"{where} cannot be read as PEM certificates: {e.Message}");
            }
            if (read.Count == 0) return CustosError.Invalid($"{where} holds no PEM certificate");
            foreach (var certificate in read)
            {
                if (NotACa(certificate) is { } why) return CustosError.Invalid($"{where}: '{certificate.Subject}' is not a CA certificate ({why})");
                (IsSelfIssued(certificate) ? roots : intermediates).Add(certificate);
            }
        }
        if (roots.Count == 0)
            return CustosError.Invalid("clientCertificates.caFiles hold no root (self-signed) CA: add the root the client certificates chain to (intermediates alone cannot anchor trust)");
        return new ClientCertificateAuthorities(roots, intermediates);
    }

    /// <summary>
    /// Why <paramref name="certificate"/> may not authenticate a client at <paramref name="now"/>, or null
    /// when it may: its chain ends at one of <see cref="Roots"/>, every certificate on it is valid, and it
    /// carries the clientAuth extended key usage. <paramref name="presented"/> are the other certificates the
    /// client sent (they can complete the chain, never anchor it).
    /// </summary>
    public string? Check(X509Certificate2 certificate, IEnumerable<X509Certificate2>? presented, DateTimeOffset now)
    {
        if (!HasClientAuth(certificate)) return "it does not carry the clientAuth extended key usage (1.3.6.1.5.5.7.3.2)";
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(Roots);
        policy.ExtraStore.AddRange(Intermediates);
        foreach (var c in presented ?? []) policy.ExtraStore.Add(c);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        try
        {
            if (chain.Build(certificate)) return null;
            var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
            return "its chain is not valid: " + string.Join(", ", problems.Select(Describe));
        }
        finally
        {
            foreach (var element in chain.ChainElements) element.Certificate.Dispose();
        }
    }

    /// <summary>True when the certificate has an extended key usage extension that lists clientAuth (absent EKU is not enough).</summary>
    public static bool HasClientAuth(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthOid));

    private static string Describe(X509ChainStatusFlags flag) => flag switch
    {
        X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "issued by a CA that clientCertificates.caFiles does not name",
        X509ChainStatusFlags.NotTimeValid => "expired or not yet valid",
        X509ChainStatusFlags.NotValidForUsage => "not valid for client authentication",
        X509ChainStatusFlags.NotSignatureValid => "bad signature",
        _ => flag.ToString(),
    };

    private static string? NotACa(X509Certificate2 certificate)
    {
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is null || !constraints.CertificateAuthority) return "no basicConstraints with cA=TRUE";
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)) return "its key usage does not include keyCertSign";
        return null;
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
