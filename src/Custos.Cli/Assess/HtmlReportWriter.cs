using System.Net;
using System.Text;

namespace Custos.Cli.Assess;

/// <summary>Writes a report as one self-contained HTML page (inline style, no scripts, nothing fetched).</summary>
public sealed class HtmlReportWriter : ReportWriter
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}
        h1{border-bottom:2px solid #1b1f24;padding-bottom:.3rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
        table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccd;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef1f6}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f3f4f7;border-radius:3px}
        code{padding:0 .2rem}pre{padding:.6rem;overflow-x:auto;white-space:pre-wrap}a{color:#0b5cad}
        """;

    private readonly StringBuilder _body = new();
    private string _title = "Custody assessment";

    /// <inheritdoc/>
    public override void Heading(int level, string text, string? anchor = null)
    {
        if (level == 1) _title = text;
        _body.Append($"<h{level}").Append(anchor is null ? "" : $" id=\"{Encode(anchor)}\"").Append('>').Append(Encode(text)).Append($"</h{level}>\n");
    }

    /// <inheritdoc/>
    public override void Paragraph(string text) => _body.Append("<p>").Append(Inline(text)).Append("</p>\n");

    /// <inheritdoc/>
    public override void List(IEnumerable<string> items, bool numbered = false)
    {
        var tag = numbered ? "ol" : "ul";
        _body.Append('<').Append(tag).Append(">\n");
        foreach (var item in items) _body.Append("<li>").Append(Inline(item)).Append("</li>\n");
        _body.Append("</").Append(tag).Append(">\n");
    }

    /// <inheritdoc/>
    public override void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<string>? links = null)
    {
        _body.Append("<table>\n<tr>");
        foreach (var h in header) _body.Append("<th>").Append(Encode(h)).Append("</th>");
        _body.Append("</tr>\n");
        int r = 0;
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                var cell = Inline(row[i]);
                if (i == 0 && links is not null && r < links.Count) cell = $"<a href=\"#{Encode(links[r])}\">{cell}</a>";
                _body.Append("<td>").Append(cell).Append("</td>");
            }
            _body.Append("</tr>\n");
            r++;
        }
        _body.Append("</table>\n");
    }

    /// <inheritdoc/>
    public override void Code(string text) => _body.Append("<pre><code>").Append(Encode(text.TrimEnd('\n'))).Append("</code></pre>\n");

    /// <inheritdoc/>
    public override string Finish() =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + $"<title>{Encode(_title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n{_body}</body>\n</html>\n";

    private static string Inline(string text)
    {
        var html = new StringBuilder();
        foreach (var (span, kind) in Spans(text))
        {
            html.Append(kind switch
            {
                '`' => $"<code>{Encode(span)}</code>",
                '*' => $"<strong>{Encode(span)}</strong>",
                _ => Encode(span),
            });
        }
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
