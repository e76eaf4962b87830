using System.Globalization;
using System.Text;
using Custos.Core.Reports;

namespace Custos.Cli.Reports;

/// <summary>
/// The residency overview as one self-contained HTML page (inline style and SVG, no scripts, nothing fetched; every value
/// escaped): how many keys comply, a chart of the countries holding key material, the keys out of policy first with why,
/// then every key with the places holding and serving it and who could compel each.
/// </summary>
public static class ResidencyOverviewHtml
{
    private const int BarLeft = 130, BarWidth = 420, BarHeight = 22, BarGap = 8;

    /// <summary>The page for <paramref name="overview"/>.</summary>
    public static string Render(ResidencyOverview overview)
    {
        ArgumentNullException.ThrowIfNull(overview);
        var t = overview.Totals;
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<title>Residency overview</title>\n<style>\n").Append(ResidencyReportHtml.Style).Append("\n</style>\n</head>\n<body>\n");
        b.Append("<h1>Residency overview: where every key lives</h1>\n");
        b.Append("<p>Made by node <code>").Append(H(overview.Node)).Append("</code>").Append(overview.NodeCountry is { } nc ? $" ({H(nc)})" : "")
         .Append(" at ").Append(H(Time(overview.GeneratedAt))).Append(", under policy version ").Append(N(overview.PolicyVersion))
         .Append(", with the audit log at ").Append(N(overview.TreeSize)).Append(" events; its own <code>").Append(H(ResidencyOverview.Operation))
         .Append("</code> event records its SHA-256 <code>").Append(H(overview.Sha256())).Append("</code>.</p>\n");
        b.Append(t.OutOfPolicy == 0
            ? "<div class=\"box\"><b class=\"ok\">Every key complies with residency on this node.</b></div>\n"
            : $"<div class=\"box fail\"><b class=\"bad\">{N(t.OutOfPolicy)} of {N(t.Keys)} key(s) are out of residency policy</b>: they are refused for every use until the configuration, the register or the policy is put right.</div>\n");
        b.Append("<div class=\"grid\">");
        Card(b, "Keys", N(t.Keys));
        Card(b, "Comply", N(t.Compliant));
        Card(b, "Out of policy", N(t.OutOfPolicy));
        Card(b, "Custody", string.Join(", ", t.ByCustody.Select(c => $"{c.Key} {c.Value}")));
        b.Append("</div>\n");

        b.Append("<h2>Countries holding key material</h2>\n<div class=\"scroll\">\n").Append(Chart(overview)).Append("\n</div>\n");

        b.Append("<h2>Keys</h2>\n<table>\n<tr><th>Key</th><th>Classification</th><th>Custody</th><th>Allowed</th><th>Holders and servers now</th><th>Residency</th></tr>\n");
        foreach (var k in overview.Keys.OrderBy(k => k.Violations.Count == 0).ThenBy(k => k.Alias ?? k.Id, StringComparer.Ordinal))
        {
            b.Append("<tr><td>").Append(k.Alias is { } a ? $"<b>alias/{H(a)}</b><br>" : "").Append("<code>").Append(H(k.Id)).Append("</code></td><td>")
             .Append(H(k.Classification)).Append("</td><td>").Append(H(k.Custody)).Append("<br><span class=\"muted\">").Append(H(k.State)).Append("</span></td><td>")
             .Append(H(k.AllowedJurisdictions is { } j ? Compact(j) : "anywhere"))
             .Append(k.AllowedLegalExposure is { } le ? $"<br><span class=\"muted\">law of: {H(Compact(le))}</span>" : "").Append("</td><td>");
            foreach (var p in k.Placements)
            {
                b.Append(H(p.Name)).Append(p.Role == "serving" ? " <span class=\"muted\">(serves)</span>" : "").Append(": ")
                 .Append(p.Country is { } c ? H(p.Region is { } r ? $"{c}, {r}" : c) : "<span class=\"bad\">no location declared</span>")
                 .Append(p.Operator is { } op ? $" · <code>{H(op)}</code>" : "")
                 .Append(p.CompellableBy.Count > 0 ? $" · <span class=\"muted\">compellable by {H(string.Join(", ", p.CompellableBy))}</span>" : "").Append("<br>");
            }
            b.Append("</td><td>").Append(k.Violations.Count == 0 ? "<span class=\"ok\">complies</span>"
                : "<span class=\"bad\">out of policy</span><br>" + string.Join("<br>", k.Violations.Select(H))).Append("</td></tr>\n");
        }
        b.Append("</table>\n");
        b.Append("<p class=\"muted\">Stated by the server from its configuration, the legal register and the policy in force; the audit log proves only that it was said, at the time of its event. ")
         .Append("Where a key lived before, and every use of it, is proven in its residency report: <code>custos report residency --key ID --out report.html</code>.</p>\n");
        b.Append("</body>\n</html>\n");
        return b.ToString();
    }

    /// <summary>Horizontal bars: keys per country holding material, most first.</summary>
    private static string Chart(ResidencyOverview overview)
    {
        var rows = overview.Totals.ByMaterialCountry.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) return "<p>No key holds material yet.</p>";
        var outside = overview.Keys.Where(k => k.Violations.Count > 0)
            .SelectMany(k => k.Placements.Where(p => p.Role == "material").Select(p => p.Country ?? "none declared")).ToHashSet(StringComparer.Ordinal);
        int max = rows.Max(r => r.Value), height = rows.Count * (BarHeight + BarGap) + 10, width = BarLeft + BarWidth + 80;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chain\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Keys by country holding their material\">\n");
        svg.Append("<title>Keys by country holding their material</title>\n");
        for (int i = 0; i < rows.Count; i++)
        {
            var (country, count) = (rows[i].Key, rows[i].Value);
            int y = 5 + i * (BarHeight + BarGap), w = Math.Max(2, BarWidth * count / max);
            string fill = outside.Contains(country) ? "#c0392b" : "#2c6fbb";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{BarLeft - 8}\" y=\"{y + 16}\" text-anchor=\"end\" class=\"l1\">{H(country)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{BarLeft}\" y=\"{y}\" width=\"{w}\" height=\"{BarHeight}\" rx=\"3\" fill=\"{fill}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{BarLeft + w + 6}\" y=\"{y + 16}\" class=\"l2\">{count} key{(count == 1 ? "" : "s")}</text>\n");
        }
        svg.Append("</svg>");
        return svg.ToString() + (outside.Count > 0 ? "\n<p class=\"muted\">Red: a country holding material of a key that is out of policy.</p>" : "");
    }

    /// <summary>A sorted country list, with the whole EU or EEA named as such ("EEA", "EU, CH").</summary>
    private static string Compact(IReadOnlyList<string> countries)
    {
        var set = countries.ToHashSet(StringComparer.Ordinal);
        foreach (var bloc in Custos.Core.Keys.Jurisdictions.Blocs.Reverse())
        {
            var members = Custos.Core.Keys.Jurisdictions.Countries(bloc);
            if (!members.IsSubsetOf(set)) continue;
            return string.Join(", ", new[] { bloc }.Concat(countries.Where(c => !members.Contains(c))));
        }
        return string.Join(", ", countries);
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Card(StringBuilder b, string label, string value) => ResidencyReportHtml.Card(b, label, value);

    private static string Time(DateTimeOffset t) => ResidencyReportHtml.Time(t);

    private static string H(string s) => ResidencyReportHtml.H(s);
}
