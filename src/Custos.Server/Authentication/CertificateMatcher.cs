using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Core.Errors;

namespace Custos.Server.Authentication;

/// <summary>
/// What a <c>clientCertificates.principals</c> entry matches: a subject distinguished name or one subject
/// alternative name.
/// <list type="bullet">
/// <item>Subject: compared attribute by attribute (type and value), values case-insensitively with runs of
/// spaces collapsed, so "CN=alice, O=Example Bank", "CN=alice,O=example bank" and the OpenSSL-order
/// "O=Example Bank, CN=alice" all match the same certificate. Every attribute must be there: no prefixes.</item>
/// <item>SAN: <c>dns:</c> and <c>email:</c> compared case-insensitively, <c>uri:</c> exactly.</item>
/// </list>
/// </summary>
public sealed class CertificateMatcher
{
    private readonly string[]? _subject;
    private readonly string? _san;

    private CertificateMatcher(string[]? subject, string? san, string text)
    {
        _subject = subject;
        _san = san;
        Text = text;
    }

    /// <summary>The matcher as written in the configuration.</summary>
    public string Text { get; }

    /// <summary>A form in which two matchers for the same certificates are equal.</summary>
    public string Canonical => _subject is not null ? "subject:" + string.Join(",", _subject).ToUpperInvariant() : "san:" + SanKey(_san!);

    /// <summary>A matcher for a subject such as <c>CN=alice, O=Example Bank</c>.</summary>
    public static Result<CertificateMatcher> ForSubject(string subject)
    {
        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(subject);
        }
        catch (CryptographicException)
        {
            return CustosError.Invalid($"subject '{subject}' is not a distinguished name such as 'CN=alice, O=Example Bank'");
        }
        var attributes = Attributes(name);
        if (attributes.Length == 0) return CustosError.Invalid($"subject '{subject}' names no attribute; write it like 'CN=alice, O=Example Bank'");
        return new CertificateMatcher(attributes, null, subject);
    }

    /// <summary>A matcher for a subject alternative name: <c>dns:NAME</c>, <c>email:ADDRESS</c> or <c>uri:URI</c>.</summary>
    public static Result<CertificateMatcher> ForSan(string san)
    {
        var colon = san.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? san[..colon] : "";
        var value = colon > 0 ? san[(colon + 1)..] : "";
        var ok = kind switch
        {
            "dns" => value.Length is > 0 and <= 253 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)),
            "email" => value.IndexOf('@', StringComparison.Ordinal) is > 0 && value.IndexOf('@', StringComparison.Ordinal) < value.Length - 1 && !value.Any(char.IsWhiteSpace),
            "uri" => Uri.TryCreate(value, UriKind.Absolute, out _),
            _ => false,
        };
        if (!ok) return CustosError.Invalid($"san '{san}' is not one of dns:NAME, email:ADDRESS, uri:ABSOLUTE-URI");
        return new CertificateMatcher(null, san, san);
    }

    /// <summary>True when <paramref name="certificate"/> (whose SANs are <paramref name="sans"/>, see <see cref="SubjectAlternativeNames"/>) matches.</summary>
    internal bool Matches(X509Certificate2 certificate, IReadOnlyList<string> sans)
    {
        if (_san is not null) return sans.Any(s => SanKey(s) == SanKey(_san));
        var actual = Attributes(certificate.SubjectName);
        return Same(actual, _subject!) || Same(actual, _subject!.Reverse().ToArray());
    }

    private static bool Same(string[] a, string[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));

    // A SAN with its case folded where the comparison ignores case (everything but uri: values).
    private static string SanKey(string san) =>
        san.StartsWith("uri:", StringComparison.Ordinal) ? san : san.ToUpperInvariant();

    // The relative distinguished names in the order they are encoded: "OID=value", or "#hex" for a multi-valued or non-string one.
    private static string[] Attributes(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames(reversed: false).Select(rdn =>
            !rdn.HasMultipleElements && rdn.GetSingleElementValue() is { } value
                ? rdn.GetSingleElementType().Value + "=" + Collapse(value)
                : "#" + Convert.ToHexString(rdn.RawData.Span)).ToArray();

    private static string Collapse(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
