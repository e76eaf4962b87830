using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Server.Authentication;

/// <summary>
/// Reads the names Custos can match in a certificate's subject alternative name extension (RFC 5280
/// 4.2.1.6): rfc822Name [1], dNSName [2] and uniformResourceIdentifier [6], all IA5String. .NET's
/// <see cref="X509SubjectAlternativeNameExtension"/> gives only DNS names and IP addresses.
/// </summary>
internal static class SubjectAlternativeNames
{
    /// <summary>The names as "dns:...", "email:..." and "uri:..."; none when the extension is absent or malformed.</summary>
    public static IReadOnlyList<string> Read(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null) return [];
        var names = new List<string>();
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                var prefix = tag.TagClass == TagClass.ContextSpecific && !tag.IsConstructed
                    ? tag.TagValue switch { 1 => "email:", 2 => "dns:", 6 => "uri:", _ => null }
                    : null;
                if (prefix is null)
                {
                    sequence.ReadEncodedValue();
                    continue;
                }
                names.Add(prefix + sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            }
        }
        catch (AsnContentException)
        {
            return [];
        }
        return names;
    }
}
