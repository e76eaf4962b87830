using Custos.Core.Errors;

namespace Custos.Core.Access;

/// <summary>
/// Why a caller uses a key: a code from the published list <see cref="Codes"/> and optional free text (a
/// ticket number, a case reference). Sent on a data-plane request as one header,
/// <c>Custos-Justification: CODE</c> or <c>Custos-Justification: CODE; free text</c>, and recorded in the
/// request's audit event, so that an auditor sees why a key was used (and so that access rules, when the
/// policy lands, can require or forbid codes).
/// </summary>
/// <remarks>
/// The codes follow the access reasons cloud providers publish for their key access justifications
/// (Google Cloud Key Access Justifications, AWS and Azure customer-lockbox / access-approval reasons), with
/// "the provider" read as "the operator of this Custos". Google's <c>MODIFIED_*</c> variants ("customer access
/// shortly after a break-glass access") are left out: Google has deprecated them, and in Custos the earlier
/// <c>emergency</c> access is in the same audit log, so the modifier can be derived instead of claimed.
/// </remarks>
public sealed record Justification(string Code, string? Text)
{
    /// <summary>The HTTP header that carries a justification.</summary>
    public const string HeaderName = "Custos-Justification";

    /// <summary>Longest free text.</summary>
    public const int MaxText = 256;

    /// <summary>The published codes, stable across versions (new ones may be added, none removed or renamed).</summary>
    public static IReadOnlyList<JustificationCode> Codes { get; } =
    [
        new("customer-initiated-access", "the data owner's own application or user reads or writes its data in the normal course of business"),
        new("customer-initiated-support", "access to resolve a support case the data owner opened (give the case number as text)"),
        new("scheduled-job", "a batch or scheduled job the data owner set up: reports, exports, ETL, re-indexing"),
        new("system-maintenance", "operator-initiated system operation: re-encryption, compaction, integrity or key health checks"),
        new("incident-response", "the operator diagnoses or resolves an outage, a production alert or a suspected service problem"),
        new("data-migration", "moving or re-encrypting data to another system, region or key"),
        new("backup-restore", "taking, verifying or restoring a backup, or a disaster-recovery exercise"),
        new("security-investigation", "investigating a security incident, fraud or abuse"),
        new("legal-request", "compelled access in response to law-enforcement or another third-party legal request or process (give the reference as text)"),
        new("regulatory-audit", "an auditor or supervisory authority examines the data under an audit or a regulatory request"),
        new("emergency", "break-glass access outside the normal process, to be reviewed afterwards (say why as text)"),
        new("other", "none of the above; the text is required and says why"),
    ];

    private static readonly Dictionary<string, string> ByCode =
        Codes.ToDictionary(c => c.Code, c => c.Code, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="code"/> is a published code, exactly as published (what policies name).</summary>
    public static bool IsPublished(string? code) => code is not null && ByCode.TryGetValue(code, out var published) && published == code;

    /// <summary>The codes as one comma-separated line, for error messages.</summary>
    public static string CodeList { get; } = string.Join(", ", Codes.Select(c => c.Code));

    /// <summary>The header value: <c>CODE</c> or <c>CODE; text</c>.</summary>
    public string ToHeaderValue() => Text is null ? Code : $"{Code}; {Text}";

    /// <summary>
    /// Reads a <c>Custos-Justification</c> header value: <c>CODE</c> or <c>CODE; free text</c> (everything after
    /// the first ';', trimmed, is the text). Absent (null) gives a null justification. The code must be one of
    /// <see cref="Codes"/> (matched ignoring case, recorded as published); the text is at most
    /// <see cref="MaxText"/> printable ASCII characters (it travels in an HTTP header) and <c>other</c> needs one.
    /// </summary>
    public static Result<Justification?> Parse(string? header)
    {
        if (header is null) return Result<Justification?>.Ok(null);
        int semicolon = header.IndexOf(';', StringComparison.Ordinal);
        var code = (semicolon < 0 ? header : header[..semicolon]).Trim();
        var text = semicolon < 0 ? null : header[(semicolon + 1)..].Trim();
        if (code.Length == 0) return Invalid($"{HeaderName} is empty: send 'CODE' or 'CODE; text'");
        if (!ByCode.TryGetValue(code, out var published))
            return Invalid($"{HeaderName} code '{Printable(code)}' is not a published justification code; use one of: {CodeList}");
        if (text is { Length: 0 }) text = null;
        if (text is { Length: > MaxText }) return Invalid($"{HeaderName} text is at most {MaxText} characters (got {text.Length})");
        if (text is not null && text.Any(c => c is < ' ' or > '~'))
            return Invalid($"{HeaderName} text must be printable ASCII without control characters");
        if (published == "other" && text is null) return Invalid($"{HeaderName} code 'other' needs a text saying why: 'other; ...'");
        return new Justification(published, text);
    }

    private static CustosError Invalid(string message) => CustosError.Invalid(message);

    /// <summary>An unknown code echoed back safely: at most 40 characters, control characters replaced.</summary>
    private static string Printable(string code)
    {
        var shown = code.Length > 40 ? code[..40] + "..." : code;
        return new string(shown.Select(c => c is < ' ' or > '~' ? '?' : c).ToArray());
    }
}
