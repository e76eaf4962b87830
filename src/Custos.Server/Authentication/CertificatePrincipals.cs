using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Server.Hosting;

namespace Custos.Server.Authentication;

/// <summary>
/// The <c>clientCertificates.principals</c> entries, parsed: which validated client certificate is which
/// principal (<c>cert:NAME</c>), with its roles, groups and source networks.
/// </summary>
public sealed partial class CertificatePrincipals : IPrincipalSource
{
    private readonly IReadOnlyList<Entry> _entries;

    private CertificatePrincipals(IReadOnlyList<Entry> entries) => _entries = entries;

    private sealed record Entry(string Name, CertificateMatcher Matcher, IReadOnlySet<string> Roles, IReadOnlySet<string> Groups, IReadOnlyList<string>? Networks);

    /// <summary>Parses the entries; an error names the first bad entry and what is wrong with it.</summary>
    public static Result<CertificatePrincipals> Create(IReadOnlyList<CertificatePrincipalOptions> options)
    {
        var entries = new List<Entry>();
        for (int i = 0; i < options.Count; i++)
        {
            var o = options[i];
            if (o is null) return CustosError.Invalid($"clientCertificates.principals[{i}] is empty");
            var where = string.IsNullOrEmpty(o.Name) ? $"clientCertificates.principals[{i}]" : $"clientCertificates.principals[{i}] ('{o.Name}')";
            CustosError Bad(string what) => CustosError.Invalid($"{where}: {what}");
            if (!NamePattern().IsMatch(o.Name ?? "")) return Bad("name is 1-64 characters of letters, digits, '-', '_', '.', '@'");
            if (entries.FindIndex(e => e.Name == o.Name) is var same and >= 0) return Bad($"the name '{o.Name}' is also used by principals[{same}]");
            if (new[] { o.Roles, o.Groups, o.AllowedNetworks }.Any(list => list?.Any(item => item is null) == true))
                return Bad("roles, groups and allowedNetworks are lists of strings");
            if (o.Subject is not null && o.San is not null) return Bad("set exactly one of subject and san, not both");
            var matcher = o.Subject is not null ? CertificateMatcher.ForSubject(o.Subject)
                : o.San is not null ? CertificateMatcher.ForSan(o.San)
                : Bad("set one of subject (a distinguished name) and san (dns:, email: or uri:)");
            if (!matcher.IsSuccess) return Bad(matcher.Error.Message);
            if (entries.FindIndex(e => e.Matcher.Canonical == matcher.Value.Canonical) is var twin and >= 0)
                return Bad($"matches the same certificates as principals[{twin}] ('{entries[twin].Name}')");
            var roles = Roles.Normalize(o.Roles ?? []);
            if (!roles.IsSuccess) return Bad(roles.Error.Message);
            var groups = Roles.NormalizeGroups(o.Groups);
            if (!groups.IsSuccess) return Bad(groups.Error.Message);
            var networks = NetworkAllowlist.Normalize(o.AllowedNetworks);
            if (!networks.IsSuccess) return Bad(networks.Error.Message);
            entries.Add(new Entry(o.Name!, matcher.Value, roles.Value, groups.Value, networks.Value));
        }
        return new CertificatePrincipals(entries);
    }

    /// <summary>
    /// The principal a validated client certificate stands for, used from <paramref name="client"/>; an
    /// Unauthenticated error when no entry (or more than one) matches or the address is outside the
    /// principal's allowed networks.
    /// </summary>
    public Result<Principal> Resolve(X509Certificate2 certificate, IPAddress? client)
    {
        var sans = SubjectAlternativeNames.Read(certificate);
        var matches = _entries.Where(e => e.Matcher.Matches(certificate, sans)).ToList();
        if (matches.Count == 0)
            return new CustosError(ErrorCode.Unauthenticated,
                $"the client certificate '{certificate.Subject}' is not mapped to a principal: no clientCertificates.principals entry matches its subject or subject alternative names");
        if (matches.Count > 1)
            return new CustosError(ErrorCode.Unauthenticated,
                $"the client certificate '{certificate.Subject}' matches more than one principal ({string.Join(", ", matches.Select(m => m.Name))}): make the clientCertificates.principals entries exclusive");
        var entry = matches[0];
        if (!NetworkAllowlist.Allows(entry.Networks, client))
            return new CustosError(ErrorCode.Unauthenticated, $"principal 'cert:{entry.Name}' may not be used from this network address (see its allowedNetworks)");
        return new Principal("cert:" + entry.Name, entry.Name, entry.Roles)
        {
            Groups = entry.Groups,
            PublicKey = certificate.PublicKey.ExportSubjectPublicKeyInfo(),
        };
    }

    /// <summary>The configured principal <c>cert:NAME</c> (for <c>policy explain</c>), without a certificate's key.</summary>
    public ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entry = id.StartsWith("cert:", StringComparison.Ordinal) ? _entries.FirstOrDefault(e => e.Name == id["cert:".Length..]) : null;
        return ValueTask.FromResult(entry is null ? null : new Principal(id, entry.Name, entry.Roles) { Groups = entry.Groups });
    }

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,64}$")]
    private static partial Regex NamePattern();
}
