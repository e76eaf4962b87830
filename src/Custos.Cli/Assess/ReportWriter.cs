namespace Custos.Cli.Assess;

/// <summary>The few building blocks an assessment report is made of, written as Markdown or as HTML.</summary>
public abstract class ReportWriter
{
    /// <summary>A heading of <paramref name="level"/> (1-3); <paramref name="anchor"/> names it for links.</summary>
    public abstract void Heading(int level, string text, string? anchor = null);
    /// <summary>A paragraph; <c>**bold**</c> and <c>`code`</c> spans are kept.</summary>
    public abstract void Paragraph(string text);
    /// <summary>A bulleted (or numbered) list of paragraphs.</summary>
    public abstract void List(IEnumerable<string> items, bool numbered = false);
    /// <summary>A table; the first column's cells may be links to anchors (<paramref name="links"/>).</summary>
    public abstract void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<string>? links = null);
    /// <summary>A block of code or commands.</summary>
    public abstract void Code(string text);
    /// <summary>The finished document.</summary>
    public abstract string Finish();

    /// <summary>Splits text into plain, <c>**bold**</c> and <c>`code`</c> spans.</summary>
    protected static IEnumerable<(string Text, char Kind)> Spans(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            int code = text.IndexOf('`', i);
            int bold = text.IndexOf("**", i, StringComparison.Ordinal);
            int next = code < 0 ? bold : bold < 0 ? code : Math.Min(code, bold);
            if (next < 0) { yield return (text[i..], ' '); yield break; }
            bool isCode = next == code;
            int end = text.IndexOf(isCode ? "`" : "**", next + (isCode ? 1 : 2), StringComparison.Ordinal);
            if (end < 0) { yield return (text[i..], ' '); yield break; }
            if (next > i) yield return (text[i..next], ' ');
            yield return (text[(next + (isCode ? 1 : 2))..end], isCode ? '`' : '*');
            i = end + (isCode ? 1 : 2);
        }
    }
}
