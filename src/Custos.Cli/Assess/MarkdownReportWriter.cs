using System.Text;

namespace Custos.Cli.Assess;

/// <summary>Writes a report as Markdown (GitHub flavour: pipe tables, fenced code).</summary>
public sealed class MarkdownReportWriter : ReportWriter
{
    private readonly StringBuilder _text = new();

    /// <inheritdoc/>
    public override void Heading(int level, string text, string? anchor = null)
    {
        if (anchor is not null) _text.Append("<a id=\"").Append(anchor).Append("\"></a>\n\n");
        _text.Append('#', level).Append(' ').Append(text).Append("\n\n");
    }

    /// <inheritdoc/>
    public override void Paragraph(string text) => _text.Append(text).Append("\n\n");

    /// <inheritdoc/>
    public override void List(IEnumerable<string> items, bool numbered = false)
    {
        int n = 0;
        foreach (var item in items) _text.Append(numbered ? $"{++n}. " : "- ").Append(item).Append('\n');
        _text.Append('\n');
    }

    /// <inheritdoc/>
    public override void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<string>? links = null)
    {
        _text.Append("| ").AppendJoin(" | ", header.Select(Cell)).Append(" |\n");
        _text.Append('|').AppendJoin('|', header.Select(_ => "---")).Append("|\n");
        int r = 0;
        foreach (var row in rows)
        {
            var cells = row.Select(Cell).ToArray();
            if (links is not null && r < links.Count) cells[0] = $"[{cells[0]}](#{links[r]})";
            _text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
            r++;
        }
        _text.Append('\n');
    }

    /// <inheritdoc/>
    public override void Code(string text) => _text.Append("```sh\n").Append(text.TrimEnd('\n')).Append("\n```\n\n");

    /// <inheritdoc/>
    public override string Finish() => _text.ToString().TrimEnd('\n') + "\n";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
