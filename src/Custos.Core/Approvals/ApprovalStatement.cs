using System.Globalization;
using System.Text;

namespace Custos.Core.Approvals;

/// <summary>
/// The text an approver signs (UTF-8, LF line ends, one trailing LF), exactly what <c>GET /v1/approvals/{id}</c>
/// serves and what the server verifies:
/// <code>
/// custos-approval/v1
/// request apr_...
/// operation decrypt
/// key 0193...|-
/// context-sha256 &lt;hex&gt;|-
/// parameters &lt;action and JSON&gt;|-
/// requester token:tok_...
/// policy 3/rule-id
/// expires 2026-12-05T10:15:00Z
/// decision approve|deny
/// </code>
/// A signature over one request or one decision therefore never counts for another. Control characters
/// in values are written as <c>\uXXXX</c>, so that no value can add a line.
/// </summary>
public static class ApprovalStatement
{
    /// <summary>The first line: the format and its version.</summary>
    public const string Header = "custos-approval/v1";

    /// <summary>The statement of <paramref name="request"/> for <paramref name="verdict"/>.</summary>
    public static string Text(ApprovalRequest request, ApprovalVerdict verdict)
    {
        var s = new StringBuilder(256);
        s.Append(Header).Append('\n');
        Line(s, "request", request.Id);
        Line(s, "operation", Access.Operations.Name(request.Operation));
        Line(s, "key", request.KeyId);
        Line(s, "context-sha256", request.ContextSha256);
        Line(s, "parameters", request.Parameters);
        Line(s, "requester", request.Requester.Id);
        Line(s, "policy", $"{request.PolicyVersion}/{request.RuleId}");
        Line(s, "expires", request.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Line(s, "decision", verdict.Name());
        return s.ToString();
    }

    /// <summary>The UTF-8 bytes that are signed.</summary>
    public static byte[] Bytes(ApprovalRequest request, ApprovalVerdict verdict) => Encoding.UTF8.GetBytes(Text(request, verdict));

    private static void Line(StringBuilder s, string name, string? value) => s.Append(name).Append(' ').Append(Escape(value ?? "-")).Append('\n');

    /// <summary><paramref name="value"/> with every control character written as <c>\uXXXX</c>.</summary>
    public static string Escape(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var s = new StringBuilder(value.Length + 16);
        foreach (var c in value) s.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return s.ToString();
    }
}
