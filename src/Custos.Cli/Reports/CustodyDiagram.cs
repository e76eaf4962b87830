using System.Globalization;
using System.Net;
using System.Text;
using Custos.Core.Reports;

namespace Custos.Cli.Reports;

/// <summary>
/// The custody chain of a key as an inline SVG, left to right: its versions over time → the keystore and place their
/// material was made in (for a threshold key: each custodian holding a share now, from the dealing events) → the operator
/// of that place → every jurisdiction whose law can compel the operator. A place or a jurisdiction outside what the key
/// allows now is drawn red and labelled. Every text is escaped.
/// </summary>
public static class CustodyDiagram
{
    private const int BoxWidth = 200, BoxHeight = 46, Gap = 14, Left = 10, Top = 34, ColumnStep = 250;
    private static readonly string[] Headings = ["Versions (when)", "Keystore and place", "Operator", "Can be compelled by"];

    private sealed record Box(string Id, string Line1, string Line2, bool Outside, bool Unknown = false);

    /// <summary>The diagram of <paramref name="report"/>'s versions.</summary>
    public static string Svg(ResidencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var columns = new List<Box>[] { [], [], [], [] };
        var edges = new HashSet<(string From, string To)>();
        var providers = report.Statement.Providers.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Box Add(int column, Box box)
        {
            var found = columns[column].Find(b => b.Id == box.Id);
            if (found is not null)
            {
                if (box.Outside && !found.Outside) columns[column][columns[column].IndexOf(found)] = found = found with { Outside = true };
                return found;
            }
            columns[column].Add(box);
            return box;
        }

        foreach (var v in report.Findings.Versions)
        {
            var until = v.StillHeld ? "held at report time" : $"destroyed {Day(v.Until)}";
            var version = Add(0, new Box($"v{v.Number}", $"v{v.Number} · from {(v.From is { } f ? Day(f) : "unknown")}", until, false));
            if (v.Shares is [.., var current])
            {
                // The custodians holding its shares now (the last dealing); their operators and exposure as the statement gives them.
                var stated = report.Statement.SharePlacements?.FirstOrDefault(p => p.Version == v.Number)?.Custodians.ToDictionary(c => c.Name, StringComparer.Ordinal);
                foreach (var c in current.Custodians)
                {
                    var holder = Add(1, new Box($"custodian:{c.Name}", $"custodian '{c.Name}'", c.Country ?? "country not recorded",
                        c.Country is { } country && current.OutsideAllowed.Contains(country), Unknown: c.Country is null));
                    edges.Add((version.Id, holder.Id));
                    if (stated?.GetValueOrDefault(c.Name) is not { Operator: { } opId, Country: { } at } sc) continue;
                    var opName = providers.TryGetValue(opId, out var cp) && cp.Entry is { } ce ? $"HQ {ce.HeadquartersCountry}{(ce.Dev ? " · dev placeholder" : "")}" : "not in the register";
                    var cop = Add(2, new Box($"op:{opId}", opId, opName, false));
                    edges.Add((holder.Id, cop.Id));
                    var exposure = sc.CompellableBy ?? [];
                    var outsideNow = FindingsBuilder.Outside(new MaterialLocation { Keystore = c.Name, Country = at, Operator = opId, CompellableBy = exposure },
                        report.Statement.Requirements);
                    foreach (var j in exposure)
                    {
                        bool outside = outsideNow.Contains(j);
                        var jurisdiction = Add(3, new Box($"j:{j}", j, outside ? "OUTSIDE what the key allows" : "within the allowed jurisdictions", outside));
                        edges.Add((cop.Id, jurisdiction.Id));
                    }
                }
                continue;
            }
            if (v.Location is not { } l)
            {
                edges.Add((version.Id, Add(1, new Box("place:?", "place not recorded", "no event records it", false, Unknown: true)).Id));
                continue;
            }
            var place = Add(1, new Box($"place:{l.Keystore}|{l.Country}|{l.Region}", l.Keystore,
                l.Region is { Length: > 0 } r ? $"{l.Country} · {r}" : l.Country, v.OutsideAllowed.Contains(l.Country)));
            edges.Add((version.Id, place.Id));
            var name = providers.TryGetValue(l.Operator, out var p) && p.Entry is { } e ? $"HQ {e.HeadquartersCountry}{(e.Dev ? " · dev placeholder" : "")}" : "not in the register";
            var op = Add(2, new Box($"op:{l.Operator}", l.Operator, name, false));
            edges.Add((place.Id, op.Id));
            foreach (var j in l.CompellableBy)
            {
                bool outside = v.OutsideAllowed.Contains(j);
                var jurisdiction = Add(3, new Box($"j:{j}", j, outside ? "OUTSIDE what the key allows" : "within the allowed jurisdictions", outside));
                edges.Add((op.Id, jurisdiction.Id));
            }
        }
        if (report.Statement.Requirements.AllowedJurisdictions is null && report.Statement.Requirements.AllowedLegalExposure is null)
            for (int i = 0; i < columns[3].Count; i++) columns[3][i] = columns[3][i] with { Line2 = "the key is not restricted" };

        int rows = Math.Max(1, columns.Max(c => c.Count));
        int width = Left + 3 * ColumnStep + BoxWidth + Left, height = Top + rows * (BoxHeight + Gap) + 28;
        var position = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
            for (int r = 0; r < columns[c].Count; r++) position[columns[c][r].Id] = (Left + c * ColumnStep, Top + r * (BoxHeight + Gap));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chain\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Custody chain of key {H(report.Statement.Key.Id)}\">\n");
        svg.Append("<title>Custody chain: versions, where their material was made, its operator, and who can compel it</title>\n");
        for (int c = 0; c < Headings.Length; c++)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + c * ColumnStep}\" y=\"18\" class=\"head\">{H(Headings[c])}</text>\n");
        foreach (var (from, to) in edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal))
        {
            var (x1, y1) = position[from];
            var (x2, y2) = position[to];
            int ax = x1 + BoxWidth, ay = y1 + BoxHeight / 2, bx = x2, by = y2 + BoxHeight / 2, mid = (ax + bx) / 2;
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{ax},{ay} C{mid},{ay} {mid},{by} {bx},{by}\" class=\"edge\"/>\n");
        }
        foreach (var column in columns)
        {
            foreach (var box in column)
            {
                var (x, y) = position[box.Id];
                var kind = box.Outside ? "box outside" : box.Unknown ? "box unknown" : "box";
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"{kind}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 8}\" y=\"{y + 19}\" class=\"l1\">{H(Fit(box.Line1, 26))}</text>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 8}\" y=\"{y + 37}\" class=\"l2\">{H(Fit(box.Line2, 32))}</text></g>\n");
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{height - 8}\" class=\"legend\">Red: outside what the key allows now (its allowed jurisdictions and the residency rules in force).</text>\n");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Fit(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
