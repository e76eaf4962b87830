using Custos.Cli.Reports;
using Custos.Core.Audit;
using Custos.Core.Reports;
using Custos.Core.Residency;

namespace Custos.Cli.Tests.Reports;

/// <summary>
/// The HTML page and its custody diagram from a report made in memory: a version in Germany, then one rotated into an HSM
/// in France whose operator is headquartered in the US; the key allows the EU only, so the US is marked outside. Values a
/// user chose are escaped everywhere, and the page fetches nothing.
/// </summary>
public sealed class ResidencyReportHtmlTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
    private const string KeyId = "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";

    private static ResidencyReport Report()
    {
        var builder = new FindingsBuilder(KeyId);
        AuditEvent E(string op, DateTimeOffset t, string principal = "token:tok_admin", AuditOutcome outcome = AuditOutcome.Allowed) =>
            new() { Time = t, Node = "fra-1", NodeCountry = "DE", Principal = principal, Operation = op, KeyId = KeyId, Outcome = outcome };
        builder.Add(3, E("key.create", T0) with { KeyVersion = 1, Location = new AuditLocation("software", "DE", "example-org", ["DE"], "Frankfurt <DC2>") });
        builder.Add(5, E("data.decrypt", T0.AddDays(1), "token:tok_<b>app</b>") with { KeyVersion = 1, Justification = "scheduled-job" });
        builder.Add(9, E("key.rotate", T0.AddDays(30)) with
        {
            KeyVersion = 2, Location = new AuditLocation("hsm:vault", "FR", "hypercloud", ["FR", "US"], "Paris"),
            Evidence = new SortedDictionary<string, string> { ["pkcs11.cka_never_extractable"] = "true", ["token.serial"] = "42" },
        });
        builder.Add(12, E("data.decrypt", T0.AddDays(31), "token:tok_intruder", AuditOutcome.Denied) with { ErrorCode = "forbidden", Policy = "0/default-deny" });
        var statement = new ReportStatement
        {
            GeneratedAt = T0.AddDays(40), Node = "fra-1", NodeCountry = "DE",
            Key = new StatedKey
            {
                Id = KeyId, Alias = "payroll", Purpose = "encrypt-decrypt", Custody = "hsm", Spec = "aes-256-gcm", State = "enabled", Classification = "restricted",
                Owner = "<script>alert(1)</script>", Description = "Payroll & \"bonuses\"", DataCategories = ["pii"], AllowedJurisdictions = ["EU"], CreatedAt = T0, PrimaryVersion = 2,
                Versions =
                [
                    new StatedVersion { Number = 1, State = "enabled", Keystore = "software", CreatedAt = T0 },
                    new StatedVersion { Number = 2, State = "enabled", Keystore = "hsm:vault", CreatedAt = T0.AddDays(30) },
                ],
            },
            Requirements = new StatedRequirements
            {
                PolicyVersion = 3, AllowedJurisdictions = [.. Custos.Core.Keys.Jurisdictions.EuCountries.Order(StringComparer.Ordinal)],
                Sources = [new StatedRequirementSource { AllowedJurisdictions = ["EU"] }],
            },
            Providers =
            [
                new StatedProvider { Id = "example-org", Entry = new Provider { Id = "example-org", LegalName = "Example GmbH", HeadquartersCountry = "DE" }, UpdatedAt = T0, UpdatedBy = "token:tok_so", PutEvent = 1 },
                new StatedProvider
                {
                    Id = "hypercloud", UpdatedAt = T0, UpdatedBy = "token:tok_so",
                    Entry = new Provider
                    {
                        Id = "hypercloud", LegalName = "HyperCloud <Inc>", HeadquartersCountry = "US", Sccs = true,
                        Dpa = new DataProcessingAgreement { Date = new DateOnly(2025, 3, 1), Reference = "DPA-17" },
                        LawEnforcement = new LawEnforcementHandling { Notify = true, Contest = false, Process = "https://hypercloud.example/le?a=1&b=2" },
                        Subprocessors = [new Subprocessor { Name = "Colo SA", Country = "FR", Service = "data centre" }],
                        Certifications = new Certifications { Fips140Level = 3, CommonCriteria = "EAL4+" },
                    },
                },
            ],
            Shares = "none: custody 'hsm' keeps each version's material whole in one keystore",
            Events = new StatedEvents { TreeSize = 13, Count = 4, Sha256 = new string('0', 64) },
        };
        return new ResidencyReport
        {
            Format = ResidencyReport.FormatName,
            Statement = statement,
            Findings = builder.Complete(statement, 14, T0.AddDays(40)),
            Evidence = new ReportEvidence
            {
                Checkpoint = "custos/root-1\n15\nAAAA\n\n— custos/root-1 AAAA\n", VerifierKey = "custos/root-1+01020304+AgAA", TreeSize = 15, RootHash = new byte[32],
                Attestation = new ProvenEvent(14, [], []), RegisterEvents = [], Events = [],
            },
        };
    }

    private static readonly ReportVerification Valid = new() { Ok = true, Problems = [], Fingerprint = new string('f', 64), Origin = "custos/root-1", TreeSize = 15 };

    [Fact]
    public void The_page_shows_the_chain_with_what_is_outside_the_allowed_jurisdictions_marked()
    {
        var report = Report();

        var svg = CustodyDiagram.Svg(report);
        var html = ResidencyReportHtml.Render(report, Valid, T0.AddDays(41), keyCheckedOutOfBand: false);

        Assert.Equal(["US"], report.Findings.Versions[1].OutsideAllowed);
        Assert.Contains("<g class=\"box outside\"><rect", svg, StringComparison.Ordinal);
        Assert.Contains(">US</text><text", svg, StringComparison.Ordinal);
        Assert.Contains("OUTSIDE what the key allows", svg, StringComparison.Ordinal);
        Assert.Contains("DE &#183; Frankfurt &lt;DC2&gt;", svg, StringComparison.Ordinal);
        Assert.Contains(svg, html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tag out\">US outside allowed</span>", html, StringComparison.Ordinal);
        Assert.Contains("pkcs11.cka_never_extractable: <code>true</code>", html, StringComparison.Ordinal);
        Assert.Contains("NOT compared with a key obtained out of band", html, StringComparison.Ordinal);
        Assert.Contains("40 days 0 h, still held", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_value_is_escaped_and_nothing_is_fetched()
    {
        var html = ResidencyReportHtml.Render(Report(), Valid, T0, keyCheckedOutOfBand: true);

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Payroll &amp; &quot;bonuses&quot;", html, StringComparison.Ordinal);
        Assert.Contains("HyperCloud &lt;Inc&gt;", html, StringComparison.Ordinal);
        Assert.Contains("token:tok_&lt;b&gt;app&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("https://hypercloud.example/le?a=1&amp;b=2", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>app", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_read_as_people_say_them() =>
        Assert.Equal(["42 s", "2 min 5 s", "3 h 0 min", "1 day 0 h", "93 days 4 h"],
            new long[] { 42, 125, 10800, 86400, 93 * 86400 + 4 * 3600 }.Select(ResidencyReportHtml.Duration));
}
