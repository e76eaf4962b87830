using System.CommandLine;
using Custos.Cli.Audit;
using Custos.Cli.Reports;
using Custos.Core.Reports;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos report residency | verify | html | overview</c>: the residency evidence report of a key, fetched from the server
/// and written as JSON (the verifiable artefact) and HTML (for people), verified offline with no server, and rendered again
/// from a JSON someone sent (docs/residency.md, "Evidence: the residency report"); and the overview of every key.
/// </summary>
public static class ReportCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var report = new Command("report", "Evidence reports: where a key lived, who could compel it, every use; each fact proven by the audit log");
        report.Subcommands.Add(Residency());
        report.Subcommands.Add(Verify());
        report.Subcommands.Add(Html());
        report.Subcommands.Add(Overview());
        return report;
    }

    private static Command Overview()
    {
        var outputs = new Option<string[]>("--out") { Description = "File to write: FILE.json or FILE.html (for people); repeat for both", Required = true };
        var cmd = new Command("overview", "Where every key's material lives now, who could compel each holder, and whether each key complies with residency") { outputs };
        cmd.OnRun(async (p, ct) =>
        {
            var files = p.GetValue(outputs) ?? [];
            foreach (var f in files) Kind(f);
            if (files.Length == 0) throw new CliException("--out FILE.json or FILE.html is required", 2);
            ResidencyOverview overview;
            using (var api = Globals.Api(p)) overview = await api.GetAsync("v1/reports/residency/overview", ReportJson.Default.ResidencyOverview, ct);
            foreach (var f in files)
            {
                if (Path.GetDirectoryName(Path.GetFullPath(f)) is { } dir) Directory.CreateDirectory(dir);
                if (Kind(f) == "json") await File.WriteAllBytesAsync(f, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(overview, ReportJson.Default.ResidencyOverview), ct);
                else await File.WriteAllTextAsync(f, ResidencyOverviewHtml.Render(overview), ct);
            }
            var t = overview.Totals;
            Console.WriteLine($"Residency overview: {t.Keys} key(s), {t.Compliant} comply, {t.OutOfPolicy} out of policy; material in {string.Join(", ", t.ByMaterialCountry.Select(c => $"{c.Key} ({c.Value})"))}.");
            foreach (var k in overview.Keys.Where(k => k.Violations.Count > 0))
                Console.WriteLine($"  out of policy: {k.Id}{(k.Alias is { } a ? $" (alias/{a})" : "")}: {k.Violations[0]}");
            Console.WriteLine($"Wrote {string.Join(" and ", files)} (recorded as a {ResidencyOverview.Operation} event with SHA-256 {overview.Sha256()}).");
            return t.OutOfPolicy == 0 ? 0 : 3;
        });
        return cmd;
    }

    private static Option<string?> LogKey() => new("--log-key") { Description = "The log's verifier key (vkey text, or @FILE) the report must be signed by, obtained out of band" };

    private static Option<string?> Fingerprint() => new("--expect-fingerprint") { Description = "The SHA-256 fingerprint (sha256:HEX) of the log key the report must be signed by, obtained out of band" };

    private static Command Residency()
    {
        var key = new Option<string>("--key") { Description = "The key: its id or alias/NAME", Required = true };
        var outputs = new Option<string[]>("--out") { Description = "File to write: FILE.json (the verifiable report) or FILE.html (for people); repeat for both", Required = true };
        var logKey = LogKey();
        var fingerprint = Fingerprint();
        var cmd = new Command("residency", "Fetch a key's residency evidence report, verify it, and write it as JSON and/or HTML") { key, outputs, logKey, fingerprint };
        cmd.OnRun(async (p, ct) =>
        {
            var files = p.GetValue(outputs) ?? [];
            foreach (var f in files) Kind(f);
            if (files.Length == 0) throw new CliException("--out FILE.json or FILE.html is required", 2);
            string? expectedKey = Commands.Audit.AuditCommands.ReadKeyOption(p.GetValue(logKey));
            string? expectedFingerprint = p.GetValue(fingerprint);

            // The report goes to a file as it arrives (it can be large), then is read back and verified before anything is written.
            string dir = Path.GetDirectoryName(Path.GetFullPath(files[0]))!;
            Directory.CreateDirectory(dir);
            string part = Path.Combine(dir, $".custos-report-{Guid.NewGuid():N}.part");
            try
            {
                using (var api = Globals.Api(p))
                {
                    api.AllowLongRequests();
                    var progress = DownloadProgress.ToStderr("report residency");
                    long size;
                    await using (var file = File.Create(part))
                    {
                        await api.DownloadAsync($"v1/reports/residency?key={Uri.EscapeDataString(p.GetValue(key)!)}", file, progress, ct);
                        size = file.Length;
                    }
                    progress.Done(size);
                }
                var report = await ReadAsync(part, ct);
                var verification = Check(report, expectedKey, expectedFingerprint);
                if (!verification.Ok)
                    throw new CliException($"the server's report does not verify, nothing was written: {verification.Problems[0]}");
                bool compared = expectedKey is not null || expectedFingerprint is not null;
                foreach (var f in files)
                {
                    if (Kind(f) == "json") File.Copy(part, f, overwrite: true);
                    else await File.WriteAllTextAsync(f, ResidencyReportHtml.Render(report, verification, DateTimeOffset.UtcNow, compared), ct);
                }
                var s = report.Statement;
                var a = report.Findings.Access;
                Console.WriteLine($"Residency report of key {s.Key.Id}{(s.Key.Alias is { } alias ? $" (alias/{alias})" : "")}: {report.Findings.Versions.Count} version(s), "
                    + $"{a.Total} access(es) ({a.Denied} denied, {a.Failed} failed), {verification.Events} event(s) proven in checkpoint {verification.TreeSize}.");
                Console.WriteLine($"Log key fingerprint: sha256:{verification.Fingerprint}");
                Console.WriteLine($"Wrote {string.Join(", ", files)}.");
                if (!files.Any(f => Kind(f) == "json"))
                    Console.WriteLine("Only HTML was written: the JSON is what can be verified later ('custos report verify'); add --out FILE.json to keep it.");
                if (!compared) WarnUncompared(verification);
                return 0;
            }
            finally
            {
                File.Delete(part);
            }
        });
        return cmd;
    }

    private static Command Verify()
    {
        var file = new Argument<string>("FILE") { Description = "The report (JSON)" };
        var logKey = LogKey();
        var fingerprint = Fingerprint();
        var cmd = new Command("verify", "Verify a residency report offline: the log's signature, every event's inclusion proof, and every finding recomputed from the events")
        {
            file, logKey, fingerprint,
        };
        cmd.OnRun(async (p, ct) =>
        {
            string? expectedKey = Commands.Audit.AuditCommands.ReadKeyOption(p.GetValue(logKey));
            string? expectedFingerprint = p.GetValue(fingerprint);
            var report = await ReadAsync(p.GetValue(file)!, ct);
            var v = Check(report, expectedKey, expectedFingerprint);
            if (!v.Ok)
            {
                foreach (var problem in v.Problems) Console.Error.WriteLine($"  - {problem}");
                throw new CliException($"residency report INVALID: {v.Problems[0]}{(v.Problems.Count > 1 ? $" (and {v.Problems.Count - 1} more problem(s), listed above)" : "")}");
            }
            var s = report.Statement;
            var e = report.Evidence;
            Console.WriteLine($"residency report VALID: key {s.Key.Id}{(s.Key.Alias is { } alias ? $" (alias/{alias})" : "")}: {v.Events} event(s) of the key, "
                + $"{e.RegisterEvents.Count} register entry event(s) and the report's own event {e.Attestation.Index} are in checkpoint {v.TreeSize} of {v.Origin} "
                + $"(root {Convert.ToBase64String(v.RootHash!)}); the statement is the one that event recorded; every finding equals what the events give");
            Console.WriteLine($"log key:             {v.VerifierKey}");
            Console.WriteLine($"log key fingerprint: sha256:{v.Fingerprint}");
            if (expectedKey is not null || expectedFingerprint is not null) Console.WriteLine("log key: the one given to check against");
            else WarnUncompared(v);
            return 0;
        });
        return cmd;
    }

    private static Command Html()
    {
        var file = new Argument<string>("FILE") { Description = "The report (JSON)" };
        var output = new Option<string>("--out") { Description = "The HTML file to write", Required = true };
        var logKey = LogKey();
        var fingerprint = Fingerprint();
        var cmd = new Command("html", "Verify a residency report (JSON) offline and write it as an HTML page for people") { file, output, logKey, fingerprint };
        cmd.OnRun(async (p, ct) =>
        {
            var target = p.GetValue(output)!;
            if (Kind(target) != "html") throw new CliException($"--out '{target}' must be an .html file", 2);
            string? expectedKey = Commands.Audit.AuditCommands.ReadKeyOption(p.GetValue(logKey));
            string? expectedFingerprint = p.GetValue(fingerprint);
            var report = await ReadAsync(p.GetValue(file)!, ct);
            var v = Check(report, expectedKey, expectedFingerprint);
            if (!v.Ok) throw new CliException($"residency report INVALID, no page written: {v.Problems[0]}");
            await File.WriteAllTextAsync(target, ResidencyReportHtml.Render(report, v, DateTimeOffset.UtcNow, expectedKey is not null || expectedFingerprint is not null), ct);
            Console.WriteLine($"Wrote {target} (log key fingerprint sha256:{v.Fingerprint}).");
            if (expectedKey is null && expectedFingerprint is null) WarnUncompared(v);
            return 0;
        });
        return cmd;
    }

    /// <summary>Reads a report file; a missing file is a usage error, a file that is not a report fails verification.</summary>
    private static async Task<ResidencyReport> ReadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliException($"'{path}' does not exist", 2);
        await using var stream = File.OpenRead(path);
        if (stream.Length > ResidencyReport.MaxBytes) throw new CliException($"residency report INVALID: '{path}' is larger than a report can be ({ResidencyReport.MaxBytes:N0} bytes)");
        var parsed = await ResidencyReport.ReadAsync(stream, ct);
        return parsed.IsSuccess ? parsed.Value : throw new CliException($"residency report INVALID: {parsed.Error.Message}");
    }

    private static ReportVerification Check(ResidencyReport report, string? expectedKey, string? expectedFingerprint)
    {
        var progress = EventProgress.ToStderr("report verify", report.Evidence.Events.Count);
        var v = ResidencyReportVerifier.Verify(report, expectedKey, expectedFingerprint, progress);
        progress.Done(v.Events);
        return v;
    }

    private static void WarnUncompared(ReportVerification v)
    {
        Console.Error.WriteLine("WARNING: the report was checked against the log key IT CARRIES. Anyone can make a report that verifies under a key of their own.");
        Console.Error.WriteLine($"WARNING: compare sha256:{v.Fingerprint} with the fingerprint of this Custos's log key obtained out of band (from its operators, a witness or an earlier export),");
        Console.Error.WriteLine("WARNING: or give it with --expect-fingerprint (or the key with --log-key) and verify again.");
    }

    private static string Kind(string file) =>
        Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".json" => "json",
            ".html" or ".htm" => "html",
            _ => throw new CliException($"--out '{file}': write FILE.json (the verifiable report) or FILE.html (for people)", 2),
        };
}
