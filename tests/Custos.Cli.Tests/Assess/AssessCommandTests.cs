using System.Text;
using System.Text.Json;
using Custos.Cli.Policy;
using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Access.Policy;

namespace Custos.Cli.Tests.Assess;

/// <summary>`custos assess` needs no server: the sample gives the expected models, files and messages.</summary>
public sealed class AssessCommandTests : IDisposable
{
    private readonly TempDir _dir = new();
    // assess never connects; the runner's connection options are ignored.
    private readonly CliRunner _cli;

    public AssessCommandTests() => _cli = new CliRunner("https://127.0.0.1:9", "unused-ca.pem", "unused", Path.GetTempPath());

    public void Dispose() => _dir.Dispose();

    private static string Sample => Path.Combine(Repo.Root, "samples", "assess", "categories.yaml");

    [Fact]
    public async Task The_sample_gives_the_expected_model_per_category_a_policy_the_parser_accepts_and_a_report()
    {
        var policy = _dir.File("policy.yaml");
        var report = _dir.File("assessment.html");

        var stdout = (await _cli.RunInProcessAsync("assess", "--in", Sample, "--out", policy, "--report", report)).Ok();

        var lines = stdout.Split('\n');
        Assert.Matches(@"^payment-cards\s+hsm\s+hsm\s+restricted\s+180d\s+EU\s+rule 2 physical-control", Assert.Single(lines, l => l.StartsWith("payment-cards ", StringComparison.Ordinal)));
        Assert.Matches(@"^health-records\s+hsm\s+hsm\s+restricted\s+180d\s+DE\s+rule 2 physical-control", Assert.Single(lines, l => l.StartsWith("health-records ", StringComparison.Ordinal)));
        Assert.Matches(@"^app-telemetry\s+remote\*\s+software\s+confidential\s+365d\s+EU\s+rule 3 developer-scale", Assert.Single(lines, l => l.StartsWith("app-telemetry ", StringComparison.Ordinal)));
        Assert.Matches(@"^trade-secrets\s+threshold\*\s+hsm\s+secret\s+90d\s+EU\s+rule 1 isolation-with-availability", Assert.Single(lines, l => l.StartsWith("trade-secrets ", StringComparison.Ordinal)));
        Assert.Matches(@"^marketing-content\s+software\s+software\s+public\s+730d\s+EU\s+rule 5 baseline", Assert.Single(lines, l => l.StartsWith("marketing-content ", StringComparison.Ordinal)));
        Assert.Contains("not implemented in Custos yet", stdout);

        var yaml = await File.ReadAllTextAsync(policy, TestContext.Current.CancellationToken);
        var parsed = PolicyDocument.Parse(Encoding.UTF8.GetBytes(PolicyYaml.Read(yaml, "policy.yaml").ToJsonString()));
        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        Assert.Equal(5, parsed.Value.Residency!.Count);
        Assert.Contains("  # Category 'payment-cards' (restricted; pci-dss, gdpr, dora): custody hsm.", yaml);
        Assert.Contains("  - id: payment-cards-decrypt", yaml);

        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<h2 id=\"trade-secrets\">trade-secrets</h2>", html);
        Assert.Contains("Example Payments &amp; Health SE", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task Json_prints_the_full_assessment_and_a_markdown_report_is_written()
    {
        var report = _dir.File("assessment.md");

        var stdout = (await _cli.RunInProcessAsync("assess", "--in", Sample, "--report", report, "--json")).Ok();

        var json = JsonDocument.Parse(stdout).RootElement;
        var cards = json.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == "payment-cards");
        Assert.Equal("hsm", cards.GetProperty("model").GetString());
        Assert.Equal("physical-control", cards.GetProperty("rule").GetString());
        Assert.NotEmpty(cards.GetProperty("reasons").EnumerateArray());
        Assert.NotEmpty(cards.GetProperty("tradeOffs").EnumerateArray());
        Assert.Equal(5, json.GetProperty("procedure").GetArrayLength());
        Assert.True(json.GetProperty("policy").GetProperty("document").GetProperty("rules").GetArrayLength() > 5);

        var markdown = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.StartsWith("# Custody assessment: Example Payments & Health SE", markdown);
        Assert.Contains("| [app-telemetry](#app-telemetry) | confidential | sovereign cloud KMS + BYOK (not implemented yet) |", markdown);
        Assert.Contains("custos keys create --alias trade-secrets --custody hsm --classification secret", markdown);
    }

    [Theory]
    [InlineData("categories:\n  - name: x\n    sensitivity: top-secret\n", "categories.yaml: category 1 ('x'): unknown sensitivity 'top-secret'; it is one of public, internal, confidential, restricted, secret")]
    [InlineData("categories:\n  - sensitivity: secret\n", "categories.yaml: category 1: 'name' is missing")]
    [InlineData("categories:\n  - name: cards\n    sensitivity: secret\n  - name: cards\n    sensitivity: public\n", "categories.yaml: category 2 ('cards'): the same category as category 1")]
    [InlineData("categories:\n  - name: x\n   sensitivity: [\n", "categories.yaml is not valid YAML: line")]
    [InlineData("", "categories.yaml must hold exactly one YAML document")]
    public async Task Bad_input_is_a_clear_message_and_exit_2(string content, string message)
    {
        var file = _dir.File("categories.yaml");
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        var policy = _dir.File("policy.yaml");

        var result = await _cli.RunInProcessAsync("assess", "--in", file, "--out", policy);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(policy));
    }

    [Fact]
    public async Task Usage_mistakes_exit_2()
    {
        var missing = await _cli.RunInProcessAsync("assess");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("give the data categories with --in FILE", missing.Stderr);

        var absent = await _cli.RunInProcessAsync("assess", "--in", _dir.File("nope.yaml"));
        Assert.Equal(2, absent.ExitCode);
        Assert.Contains("does not exist", absent.Stderr);

        var format = await _cli.RunInProcessAsync("assess", "--in", Sample, "--report", _dir.File("report.pdf"));
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("--report writes FILE.html or FILE.md, not 'report.pdf'", format.Stderr);
    }
}
