using System.CommandLine;
using System.Text;
using System.Text.Json;
using Custos.Cli.Assess;
using Custos.Cli.Policy;
using Custos.Core.Residency.Assessment;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos assess --in categories.yaml [--out policy.yaml] [--report FILE.html|FILE.md]</c>: recommends a
/// custody model per data category, with the reasons, and drafts a starting policy. Runs offline; no
/// server is needed. The logic is <see cref="CustodyAssessor"/>; this file reads, prints and writes.
/// </summary>
public static class AssessCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--in") { Description = "The data categories, YAML or JSON (see docs/residency.md and samples/assess/categories.yaml)" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the starting policy (YAML, with a comment on every rule) to this file" };
        var report = new Option<FileInfo?>("--report") { Description = "Write the reasoning as a page to read: FILE.html or FILE.md" };
        var cmd = new Command("assess", "Recommend a custody model (hsm, remote, threshold, software) per data category, with the reasons, and draft a starting policy; no server needed")
            { input, output, report };
        cmd.OnRun(async (p, ct) =>
        {
            var file = p.GetValue(input) ?? throw new CliException("give the data categories with --in FILE (YAML or JSON; see samples/assess/categories.yaml)", 2);
            var reportFile = p.GetValue(report);
            var reportWriter = reportFile is null ? null : WriterFor(reportFile);
            if (!file.Exists) throw new CliException($"categories file '{file.FullName}' does not exist", 2);

            var tree = PolicyYaml.Read(await File.ReadAllTextAsync(file.FullName, ct), file.Name);
            var inventory = CategoryInventory.Parse(Encoding.UTF8.GetBytes(tree.ToJsonString()));
            if (!inventory.IsSuccess) throw new CliException($"{file.Name}: {inventory.Error.Message}", 2);
            var assessment = CustodyAssessor.Assess(inventory.Value);

            var outFile = p.GetValue(output);
            if (outFile is not null) await File.WriteAllTextAsync(outFile.FullName, DraftPolicyYaml.Write(assessment.Policy), ct);
            if (reportFile is not null)
                await File.WriteAllTextAsync(reportFile.FullName, AssessmentReport.Write(assessment, file.Name, outFile?.Name, reportWriter!), ct);

            if (p.GetValue(Globals.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(assessment, AssessmentJson.Default.CustodyAssessment));
                return 0;
            }
            PrintSummary(assessment);
            Console.WriteLine();
            var document = assessment.Policy.Document;
            Console.WriteLine(outFile is null
                ? "Policy: not written (use --out FILE to write the starting policy)."
                : $"Policy: {outFile.Name} ({document.Rules.Count} access rules, {document.Residency?.Count ?? 0} residency rules); review it, then 'custos policy propose {outFile.Name}'.");
            if (reportFile is not null) Console.WriteLine($"Report: {reportFile.Name} (the reasons, trade-offs and key settings per category).");
            else Console.WriteLine("Reasons and trade-offs per category: --report FILE.html or FILE.md, or --json.");
            return 0;
        });
        return cmd;
    }

    private static ReportWriter WriterFor(FileInfo file) => file.Extension.ToLowerInvariant() switch
    {
        ".html" or ".htm" => new HtmlReportWriter(),
        ".md" or ".markdown" => new MarkdownReportWriter(),
        _ => throw new CliException($"--report writes FILE.html or FILE.md, not '{file.Name}'", 2),
    };

    private static void PrintSummary(CustodyAssessment assessment)
    {
        string[] header = ["CATEGORY", "MODEL", "CREATE WITH", "CLASSIFICATION", "ROTATION", "JURISDICTIONS", "WHY"];
        var rows = assessment.Categories.Select(c => new[]
        {
            c.Category,
            c.Model + (c.Implemented ? "" : "*"),
            c.Key.Custody,
            c.Key.Classification,
            $"{c.Key.RotationDays}d",
            string.Join(",", c.Key.Jurisdictions),
            $"rule {c.RuleNumber} {c.Rule}: {string.Join("; ", c.Triggers)}",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)) + 2).ToArray();
        Console.WriteLine(string.Concat(header.Select((h, i) => i == header.Length - 1 ? h : h.PadRight(widths[i]))));
        foreach (var row in rows) Console.WriteLine(string.Concat(row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        var pending = assessment.Categories.Where(c => !c.Implemented).ToList();
        if (pending.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("* Recommended, but not implemented in Custos yet: until it is, create these keys with the custody under CREATE WITH.");
            foreach (var c in pending) Console.WriteLine($"  {c.Category}: {c.ModelTitle}. {c.InterimNote}");
        }
    }
}
