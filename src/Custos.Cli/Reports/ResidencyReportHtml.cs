using System.Globalization;
using System.Net;
using System.Text;
using Custos.Core.Reports;
using Custos.Core.Residency;

namespace Custos.Cli.Reports;

/// <summary>
/// A residency report as one self-contained HTML page for people (inline style, an inline SVG, no scripts, nothing
/// fetched): the key, its custody chain, versions and where they lived, the operators' contracts, every access, the
/// refusals, what is proven and what is only stated, and how to verify the JSON it was made from. Every value is escaped.
/// </summary>
public static class ResidencyReportHtml
{
    internal const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1f24}
        h1{border-bottom:2px solid #1b1f24;padding-bottom:.3rem;font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;font-size:1.25rem}
        table{border-collapse:collapse;width:100%;margin:.8rem 0;font-size:.92rem}th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f3f4f7;border-radius:3px;padding:0 .2rem;word-break:break-all}
        .muted{color:#5b6470}.bad{color:#a61b1b;font-weight:600}.ok{color:#1d6b33;font-weight:600}
        .tag{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.8rem;font-weight:600}.proven{background:#dff3e4;color:#1d6b33}.stated{background:#fff1d6;color:#7a4d00}.out{background:#fde2e1;color:#a61b1b}
        .box{border:2px solid #1d6b33;border-radius:6px;padding:.8rem 1rem;background:#f5fbf6}.box.fail{border-color:#a61b1b;background:#fdf3f3}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.5rem;margin:1rem 0}.grid div{border:1px solid #ccd;border-radius:6px;padding:.4rem .6rem}.grid b{display:block;font-size:1.1rem}
        .scroll{overflow-x:auto}svg.chain{max-width:100%;height:auto;font-family:system-ui,sans-serif}svg .head{font-size:13px;font-weight:700;fill:#1b1f24}
        svg .box rect{fill:#eef4fb;stroke:#2c6fbb;stroke-width:1.5}svg .box.outside rect{fill:#fde2e1;stroke:#c0392b;stroke-width:2}svg .box.unknown rect{fill:#f1f1f1;stroke:#999;stroke-dasharray:4 3}
        svg .l1{font-size:13px;font-weight:600;fill:#1b1f24}svg .l2{font-size:11px;fill:#454d57}svg .box.outside .l2{fill:#a61b1b;font-weight:700}
        svg .edge{fill:none;stroke:#7d8894;stroke-width:1.5}svg .legend{font-size:11px;fill:#a61b1b}
        """;

    /// <summary>The page for <paramref name="report"/>, with the outcome of verifying it on this machine at <paramref name="verifiedAt"/>.</summary>
    public static string Render(ResidencyReport report, ReportVerification verification, DateTimeOffset verifiedAt, bool keyCheckedOutOfBand)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(verification);
        var s = report.Statement;
        var f = report.Findings;
        var k = s.Key;
        var name = k.Alias is { } alias ? $"alias/{alias}" : k.Id;
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<title>Residency evidence report: ").Append(H(name)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

        b.Append("<h1>Residency evidence report: ").Append(H(name)).Append("</h1>\n");
        b.Append("<p>Key <code>").Append(H(k.Id)).Append("</code>. Made by node <code>").Append(H(s.Node)).Append("</code>")
         .Append(s.NodeCountry is { } nc ? $" ({H(nc)})" : "").Append(" at ").Append(H(Time(s.GeneratedAt))).Append(", attested by audit event ")
         .Append(report.Evidence.Attestation.Index.ToString(CultureInfo.InvariantCulture)).Append(".</p>\n");
        Verification(b, report, verification, verifiedAt, keyCheckedOutOfBand, top: true);

        b.Append("<div class=\"grid\">");
        Card(b, "Classification", k.Classification);
        Card(b, "Custody", k.Custody);
        Card(b, "State", k.State);
        Card(b, "Allowed jurisdictions", k.AllowedJurisdictions.Count == 0 ? "not restricted by the key" : string.Join(", ", k.AllowedJurisdictions));
        Card(b, "Versions", f.Versions.Count.ToString(CultureInfo.InvariantCulture));
        Card(b, "Accesses", $"{f.Access.Total} ({f.Access.Denied} denied, {f.Access.Failed} failed)");
        b.Append("</div>\n");
        b.Append("<p class=\"muted\">Owner: ").Append(H(k.Owner.Length == 0 ? "(none)" : k.Owner)).Append(". Description: ").Append(H(k.Description.Length == 0 ? "(none)" : k.Description))
         .Append(". Data categories: ").Append(H(k.DataCategories.Count == 0 ? "(none)" : string.Join(", ", k.DataCategories))).Append(". Key attributes: ").Append(Tag(false)).Append("</p>\n");

        b.Append("<h2>Custody chain</h2>\n<div class=\"scroll\">\n").Append(CustodyDiagram.Svg(report)).Append("\n</div>\n");

        b.Append("<h2>Versions: where the material lived, and for how long</h2>\n<table>\n<tr><th>Version</th><th>Made</th><th>Lived</th><th>Primary until</th><th>Keystore</th><th>Place</th><th>Operator</th><th>Can be compelled by</th><th>Keystore attested</th></tr>\n");
        foreach (var v in f.Versions)
        {
            var l = v.Location;
            b.Append("<tr><td>").Append(v.Number.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
             .Append(v.Created is { } c ? $"{H(Time(c.Time))}<br><span class=\"muted\">{H(c.Operation)} by <code>{H(c.Principal)}</code>, event {c.Index}</span> {Tag(true)}" : $"no event {Tag(false)}")
             .Append("</td><td>").Append(H(v.From is { } from ? $"{Time(from)} to {(v.StillHeld ? "the report" : Time(v.Until))}" : "unknown"))
             .Append(v.Seconds is { } secs ? $"<br><span class=\"muted\">{H(Duration(secs))}{(v.StillHeld ? ", still held" : ", then destroyed")}</span>" : "")
             .Append("</td><td>").Append(H(v.PrimaryUntil is { } pu ? Time(pu) : "(still primary)")).Append("</td><td>").Append(H(l?.Keystore ?? (v.Shares is null ? "?" : "threshold")))
             .Append("</td><td>").Append(l is not null ? H(l.Region is { Length: > 0 } r ? $"{l.Country}, {r}" : l.Country) + (v.OutsideAllowed.Contains(l.Country) ? " <span class=\"tag out\">outside allowed</span>" : "")
                 : v.Shares is [.., var held] ? H($"shares at {held.Custodians.Count} custodians: {string.Join(", ", held.Custodians.Select(c => c.Country ?? "?").Distinct())} (see Shares)") : "not recorded")
             .Append("</td><td>").Append(H(l?.Operator ?? (v.Shares is null ? "?" : "one per custodian"))).Append("</td><td>")
             .Append(l is null ? "" : string.Join(", ", l.CompellableBy.Select(j => v.OutsideAllowed.Contains(j) ? $"<span class=\"tag out\">{H(j)} outside allowed</span>" : H(j))))
             .Append("</td><td>").Append(v.Evidence is { } ev ? string.Join("<br>", ev.Select(kv => $"{H(kv.Key)}: <code>{H(kv.Value)}</code>")) + $" {Tag(true)}" : StatedEvidence(s, v.Number))
             .Append("</td></tr>\n");
        }
        b.Append("</table>\n");
        if (f.Destroyed is { } d) b.Append("<p>The key was destroyed at ").Append(H(Time(d.Time))).Append(" (event ").Append(d.Index.ToString(CultureInfo.InvariantCulture)).Append(").</p>\n");
        b.Append("<p><b>Share placements:</b> ").Append(H(s.Shares)).Append("</p>\n");
        SharePlacements(b, f, s);

        Operators(b, s);
        Requirements(b, s.Requirements);

        b.Append("<h2>Accesses</h2>\n<p>").Append(f.Access.Total.ToString(CultureInfo.InvariantCulture)).Append(" data-plane and lifecycle events: ")
         .Append(f.Access.Allowed.ToString(CultureInfo.InvariantCulture)).Append(" allowed, ").Append(f.Access.Denied.ToString(CultureInfo.InvariantCulture)).Append(" denied, ")
         .Append(f.Access.Failed.ToString(CultureInfo.InvariantCulture)).Append(" failed.</p>\n");
        Groups(b, "By principal", "Principal", f.Access.ByPrincipal, "(none)");
        Groups(b, "By justification", "Justification", f.Access.ByJustification, "(none given)");
        Groups(b, "By serving node country", "Country", f.Access.ByNodeCountry, "(not declared)");
        if (f.OtherEvents.Count > 0)
        {
            b.Append("<h3>Other events about the key</h3>\n<table>\n<tr><th>Operation</th><th>Count</th><th>First</th><th>Last</th></tr>\n");
            foreach (var o in f.OtherEvents)
                b.Append("<tr><td>").Append(H(o.Operation)).Append("</td><td class=\"n\">").Append(o.Count.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                 .Append(H(Time(o.First))).Append("</td><td>").Append(H(Time(o.Last))).Append("</td></tr>\n");
            b.Append("</table>\n");
        }

        b.Append("<h2>Refusals and failures</h2>\n");
        if (f.Refusals.Count == 0) b.Append("<p>None.</p>\n");
        else
        {
            b.Append("<table>\n<tr><th>Event</th><th>Time</th><th>Principal</th><th>Operation</th><th>Outcome</th><th>Error code</th><th>Deciding rule</th><th>Justification</th><th>Node country</th></tr>\n");
            foreach (var r in f.Refusals)
                b.Append("<tr><td class=\"n\">").Append(r.Index.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(H(Time(r.Time))).Append("</td><td><code>").Append(H(r.Principal))
                 .Append("</code></td><td>").Append(H(r.Operation)).Append("</td><td class=\"bad\">").Append(H(r.Outcome)).Append("</td><td>").Append(H(r.ErrorCode ?? ""))
                 .Append("</td><td>").Append(H(r.Policy ?? "")).Append("</td><td>").Append(H(r.Justification ?? "")).Append("</td><td>").Append(H(r.NodeCountry ?? "")).Append("</td></tr>\n");
            b.Append("</table>\n");
        }

        b.Append("<h2>What the log proves, and what it does not</h2>\n<table>\n<tr><th>Fact</th><th></th><th>How</th></tr>\n");
        foreach (var p in f.Provenance)
            b.Append("<tr><td>").Append(H(p.Fact)).Append("</td><td>").Append(Tag(p.Proven)).Append("</td><td>").Append(H(p.How)).Append("</td></tr>\n");
        b.Append("</table>\n");

        b.Append("<h2>Verification</h2>\n");
        Verification(b, report, verification, verifiedAt, keyCheckedOutOfBand, top: false);
        b.Append("</body>\n</html>\n");
        return b.ToString();
    }

    private static void Verification(StringBuilder b, ResidencyReport report, ReportVerification v, DateTimeOffset verifiedAt, bool keyChecked, bool top)
    {
        var e = report.Evidence;
        b.Append(v.Ok ? "<div class=\"box\">" : "<div class=\"box fail\">");
        b.Append(v.Ok
            ? $"<p class=\"ok\">The JSON report this page was made from verified on {H(Time(verifiedAt))}: every event it relies on is in the signed checkpoint and every finding equals what its events give.</p>"
            : $"<p class=\"bad\">The JSON report this page was made from did NOT verify: {H(v.Problems.Count > 0 ? v.Problems[0] : "")}</p>");
        if (top) { b.Append("</div>\n"); return; }
        b.Append("<table>\n");
        Row(b, "Checkpoint", $"tree size {e.TreeSize}, root hash <code>{H(Convert.ToBase64String(e.RootHash))}</code>");
        Row(b, "Log", $"<code>{H(v.Origin ?? "?")}</code>");
        Row(b, "Log key", $"<code>{H(e.VerifierKey)}</code>");
        Row(b, "Log key fingerprint (SHA-256)", $"<code>{H(v.Fingerprint ?? ResidencyReportVerifier.Fingerprint(e.VerifierKey))}</code>"
            + (keyChecked ? " <span class=\"tag proven\">compared with the key given to check against</span>" : " <span class=\"tag out\">NOT compared with a key obtained out of band</span>"));
        Row(b, "Events proven", $"{e.Events.Count} of the key, {e.RegisterEvents.Count} of the register, and the report's own event {e.Attestation.Index}");
        b.Append("</table>\n<p>The report carries its own log key, and anyone can sign a report with a key of their own: the fingerprint above means something only once it is compared with the fingerprint of this Custos's log key obtained another way (from its operators, a witness, or an earlier export). To check the JSON yourself, with no server:</p>\n");
        b.Append("<p><code>custos report verify REPORT.json --expect-fingerprint sha256:").Append(H(v.Fingerprint ?? "FINGERPRINT")).Append("</code></p>\n</div>\n");
    }

    /// <summary>For a threshold key: who held each version's shares (proven by the dealing events) and where they are now (stated).</summary>
    private static void SharePlacements(StringBuilder b, ReportFindings f, ReportStatement s)
    {
        if (!f.Versions.Any(v => v.Shares is not null) && s.SharePlacements is null) return;
        b.Append("<h3>Shares: who held them, and when</h3>\n<table>\n<tr><th>Version</th><th>Dealt</th><th>Until</th><th>Custodians (country when dealt)</th><th>Group</th></tr>\n");
        foreach (var v in f.Versions)
        {
            foreach (var g in v.Shares ?? [])
            {
                b.Append("<tr><td>").Append(v.Number.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(H(Time(g.Dealt.Time)))
                 .Append("<br><span class=\"muted\">").Append(H(g.Dealt.Operation)).Append(" by <code>").Append(H(g.Dealt.Principal)).Append("</code>, event ")
                 .Append(g.Dealt.Index.ToString(CultureInfo.InvariantCulture)).Append("</span> ").Append(Tag(true)).Append("</td><td>").Append(H(Time(g.Until)))
                 .Append("</td><td>").Append(string.Join(", ", g.Custodians.Select(c => $"<code>{H(c.Name)}</code> ({H(c.Country ?? "?")})"
                     + (c.Country is { } country && g.OutsideAllowed.Contains(country) ? " <span class=\"tag out\">outside allowed</span>" : ""))))
                 .Append("</td><td><code>").Append(H(g.Group[..Math.Min(16, g.Group.Length)])).Append("…</code></td></tr>\n");
            }
        }
        b.Append("</table>\n");
        if (s.SharePlacements is not { } placements) return;
        b.Append("<table>\n<tr><th>Version</th><th>Split</th><th>Custodian</th><th>Place now</th><th>Operator</th><th>Can be compelled by</th><th>Source</th></tr>\n");
        foreach (var p in placements)
        {
            foreach (var c in p.Custodians)
            {
                b.Append("<tr><td>").Append(p.Version.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                 .Append(H($"{p.Threshold} of {p.Custodians.Count}, any {p.Threshold} in ≥ {p.MinJurisdictions} countries")).Append("</td><td><code>")
                 .Append(c.Index.ToString(CultureInfo.InvariantCulture)).Append(": ").Append(H(c.Name)).Append("</code></td><td>")
                 .Append(c.Country is { } country ? H(c.Region is { } r ? $"{country}, {r}" : country) : "<span class=\"bad\">no longer configured on this server</span>")
                 .Append("</td><td>").Append(H(c.Operator ?? "?")).Append("</td><td>").Append(H(string.Join(", ", c.CompellableBy ?? [])))
                 .Append("</td><td>").Append(Tag(false)).Append("</td></tr>\n");
            }
        }
        b.Append("</table>\n");
    }

    private static void Operators(StringBuilder b, ReportStatement s)
    {
        b.Append("<h2>Operators: legal exposure and contracts</h2>\n");
        if (s.Providers.Count == 0) { b.Append("<p>No event of the key names an operator.</p>\n"); return; }
        b.Append("<table>\n<tr><th>Operator</th><th>Headquarters</th><th>DPA</th><th>SCCs</th><th>Audit rights</th><th>Law enforcement</th><th>Subprocessors</th><th>Certifications</th><th>EU-only staff</th><th>Source</th></tr>\n");
        foreach (var p in s.Providers)
        {
            b.Append("<tr><td><code>").Append(H(p.Id)).Append("</code>");
            if (p.Entry is not { } e)
            {
                b.Append("</td><td colspan=\"8\" class=\"bad\">not in the legal register</td><td>").Append(Tag(false)).Append("</td></tr>\n");
                continue;
            }
            b.Append("<br>").Append(H(e.LegalName)).Append(e.Dev ? " <span class=\"tag stated\">dev placeholder</span>" : "").Append("</td><td>").Append(H(e.HeadquartersCountry))
             .Append("</td><td>").Append(e.Dpa is { } dpa ? H($"{dpa.Date:yyyy-MM-dd}, {dpa.Reference}") : "none").Append("</td><td>").Append(YesNo(e.Sccs))
             .Append("</td><td>").Append(YesNo(e.AuditRights)).Append("</td><td>")
             .Append(e.LawEnforcement is { } le ? $"notify: {YesNo(le.Notify)}, contest: {YesNo(le.Contest)}{(le.Process is { } pr ? $"<br>{H(pr)}" : "")}" : "no commitment recorded")
             .Append("</td><td>").Append(e.Subprocessors is { Count: > 0 } subs ? string.Join("<br>", subs.Select(x => H($"{x.Name} ({x.Country}){(x.Service is { } sv ? ": " + sv : "")}"))) : "none")
             .Append("</td><td>").Append(H(Certifications(e.Certifications))).Append("</td><td>").Append(YesNo(e.EuOnlyStaffing)).Append("</td><td>")
             .Append(p.PutEvent is { } put ? $"{Tag(true)} register.put event {put}" : Tag(false))
             .Append("<br><span class=\"muted\">put ").Append(H(p.UpdatedAt is { } at ? Time(at) : "?")).Append(" by <code>").Append(H(p.UpdatedBy ?? "?")).Append("</code></span></td></tr>\n");
            if (e.Notes is { Length: > 0 } notes) b.Append("<tr><td></td><td colspan=\"9\" class=\"muted\">Notes: ").Append(H(notes)).Append("</td></tr>\n");
        }
        b.Append("</table>\n<p class=\"muted\">The register records what the contracts and certificates say, as security officers entered them; Custos does not verify them.</p>\n");
    }

    private static void Requirements(StringBuilder b, StatedRequirements r)
    {
        b.Append("<h2>Residency requirements in force</h2>\n<p>Policy version ").Append(r.PolicyVersion.ToString(CultureInfo.InvariantCulture)).Append(". Material may live and be served in: ")
         .Append(H(r.AllowedJurisdictions is { } a ? string.Join(", ", a) : "anywhere (not restricted)")).Append(". Operators may be compellable only by: ")
         .Append(H(r.AllowedLegalExposure is { } x ? string.Join(", ", x) : "not restricted")).Append(". ").Append(Tag(false)).Append("</p>\n");
        if (r.Sources.Count == 0) return;
        b.Append("<table>\n<tr><th>Source</th><th>Allowed jurisdictions</th><th>Allowed legal exposure</th><th>Provider requirements</th></tr>\n");
        foreach (var src in r.Sources)
        {
            var p = src.Provider;
            var needs = p is null ? "" : string.Join(", ", new[] { p.Dpa ? "DPA" : null, p.Sccs ? "SCCs" : null, p.AuditRights ? "audit rights" : null, p.NotifyAndContest ? "notify and contest" : null,
                p.EuOnlyStaffing ? "EU-only staffing" : null, p.Fips140Level is { } l ? $"FIPS 140-3 level {l}" : null, p.Iso27001 ? "ISO 27001" : null, p.Soc2 ? "SOC 2" : null,
                p.CommonCriteria ? "Common Criteria" : null }.OfType<string>());
            b.Append("<tr><td>").Append(H(src.Rule is { } rule ? $"rule '{rule}'" : "the key's allowedJurisdictions")).Append("</td><td>").Append(H(string.Join(", ", src.AllowedJurisdictions ?? [])))
             .Append("</td><td>").Append(H(string.Join(", ", src.AllowedLegalExposure ?? []))).Append("</td><td>").Append(H(needs)).Append("</td></tr>\n");
        }
        b.Append("</table>\n");
    }

    private static void Groups(StringBuilder b, string title, string what, IReadOnlyList<AccessGroup> rows, string none)
    {
        b.Append("<h3>").Append(H(title)).Append("</h3>\n<table>\n<tr><th>").Append(H(what)).Append("</th><th>Count</th><th>Allowed</th><th>Denied</th><th>Failed</th><th>First</th><th>Last</th><th>Operations</th></tr>\n");
        foreach (var g in rows)
        {
            b.Append("<tr><td><code>").Append(H(g.Value ?? none)).Append("</code>")
             .Append(g.OutsideAllowed == true ? " <span class=\"tag out\">outside allowed</span>" : "")
             .Append(g.Nodes is { Count: > 0 } nodes ? $"<br><span class=\"muted\">nodes: {H(string.Join(", ", nodes))}</span>" : "")
             .Append("</td><td class=\"n\">").Append(g.Count.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(g.Allowed.ToString(CultureInfo.InvariantCulture))
             .Append("</td><td class=\"n\">").Append(g.Denied.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(g.Failed.ToString(CultureInfo.InvariantCulture))
             .Append("</td><td>").Append(H(Time(g.First))).Append("</td><td>").Append(H(Time(g.Last))).Append("</td><td>")
             .Append(H(string.Join(", ", g.Operations.Select(o => $"{o.Key} ×{o.Value}")))).Append("</td></tr>\n");
        }
        b.Append("</table>\n");
    }

    private static string StatedEvidence(ReportStatement s, int version) =>
        s.Key.Versions.FirstOrDefault(v => v.Number == version)?.Evidence is { } ev
            ? string.Join("<br>", ev.Select(kv => $"{H(kv.Key)}: <code>{H(kv.Value)}</code>")) + $" {Tag(false)}"
            : "<span class=\"muted\">nothing (not an HSM)</span>";

    private static string Certifications(Certifications? c)
    {
        if (c is null) return "none recorded";
        var parts = new[] { c.Fips140Level is { } l ? $"FIPS 140-3 level {l}" : null, c.CommonCriteria is { } cc ? $"Common Criteria {cc}" : null, c.Iso27001 ? "ISO 27001" : null, c.Soc2 ? "SOC 2" : null }.OfType<string>().ToList();
        return parts.Count == 0 ? "none recorded" : string.Join(", ", parts);
    }

    internal static void Card(StringBuilder b, string label, string value) => b.Append("<div>").Append(H(label)).Append("<b>").Append(H(value)).Append("</b></div>");

    private static void Row(StringBuilder b, string label, string html) => b.Append("<tr><th>").Append(H(label)).Append("</th><td>").Append(html).Append("</td></tr>\n");

    private static string Tag(bool proven) => proven
        ? "<span class=\"tag proven\" title=\"an embedded event with its inclusion proof shows it\">proven by the log</span>"
        : "<span class=\"tag stated\" title=\"the server states it; the log does not prove it\">stated by the server, not proven by the log</span>";

    private static string YesNo(bool value) => value ? "yes" : "no";

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"3 days 4 h", "2 h 5 min", "42 s".</summary>
    public static string Duration(long seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays} day{((int)t.TotalDays == 1 ? "" : "s")} {t.Hours} h"
            : t.TotalHours >= 1 ? $"{t.Hours} h {t.Minutes} min"
            : t.TotalMinutes >= 1 ? $"{t.Minutes} min {t.Seconds} s"
            : $"{t.Seconds} s";
    }

    internal static string H(string s) => WebUtility.HtmlEncode(s);
}
