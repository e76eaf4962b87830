using Custos.Core.Residency.Assessment;

namespace Custos.Cli.Assess;

/// <summary>
/// The assessment as a page a person reads before adopting it: a summary table, then per category the
/// recommendation, why, what else was considered, what it costs, the key settings and what the drafted
/// policy does; then the decision procedure and the controls every model needs.
/// </summary>
public static class AssessmentReport
{
    /// <summary>Writes <paramref name="assessment"/> (made from <paramref name="source"/>) with <paramref name="writer"/>.</summary>
    public static string Write(CustodyAssessment assessment, string source, string? policyFile, ReportWriter writer)
    {
        writer.Heading(1, "Custody assessment" + (assessment.Organisation is { } org ? $": {org}" : ""));
        writer.Paragraph($"Drafted by `custos assess` from `{source}`. For each data category it recommends where the keys should live "
            + "(on-prem HSM, sovereign cloud KMS with bring-your-own-key, split-key threshold custody across jurisdictions, or the software keystore), "
            + "following the ordered decision procedure at the end of this page, and says why, what else was considered and what the choice costs. "
            + "It is a starting point for a risk assessment, not its conclusion: review it with the people who own the data and the contracts.");
        if (policyFile is not null)
            writer.Paragraph($"The starting policy is in `{policyFile}`. Propose it with `custos policy propose {policyFile}`; it takes effect when a second security officer approves it.");

        writer.Heading(2, "Summary");
        writer.Table(["category", "sensitivity", "recommended", "create keys with", "rotation", "jurisdictions", "decided by"],
            assessment.Categories.Select(c => (IReadOnlyList<string>)
            [
                c.Category, c.Key.Classification, c.ModelTitle + (c.Implemented ? "" : " (not implemented yet)"), $"`{c.Key.Custody}`",
                $"{c.Key.RotationDays} days", string.Join(", ", c.Key.Jurisdictions), $"rule {c.RuleNumber} `{c.Rule}`",
            ]),
            [.. assessment.Categories.Select(c => c.Key.Alias)]);

        foreach (var c in assessment.Categories)
        {
            writer.Heading(2, c.Category, c.Key.Alias);
            if (c.Description is { } d) writer.Paragraph(d);
            writer.Paragraph($"**Recommended: {c.ModelTitle}** (`{c.Model}`): {c.Pattern}.");
            if (!c.Implemented) writer.Paragraph($"**Not implemented in Custos yet.** {c.InterimNote}");
            writer.Heading(3, "Why");
            writer.List(c.Reasons);
            if (c.AlsoConsidered.Count > 0)
            {
                writer.Heading(3, "Also considered");
                writer.List(c.AlsoConsidered);
            }
            writer.Heading(3, "Trade-offs");
            writer.List(c.TradeOffs);
            writer.Heading(3, "Key settings");
            writer.Paragraph($"Classification `{c.Key.Classification}`, custody `{c.Key.Custody}`, data category `{c.Category}`, "
                + $"jurisdictions {string.Join(", ", c.Key.Jurisdictions.Select(j => $"`{j}`"))}, automatic rotation every {c.Key.RotationDays} days:");
            writer.Code(c.Key.CreateCommand);
            writer.Heading(3, "Policy");
            writer.List([.. c.PolicyNotes, $"Rules: {string.Join(", ", c.PolicyRules.Select(r => $"`{r}`"))}."]);
        }

        writer.Heading(2, "The decision procedure", "procedure");
        writer.Paragraph("The rules are tried in order; the first that applies to a category decides its model.");
        writer.List(assessment.Procedure.Select(s => $"**{s.Id}**: {s.ModelTitle} (`{s.Model}`) for {s.Condition}. {s.Rationale}"), numbered: true);

        writer.Heading(2, "Whatever the model");
        writer.Paragraph("Every custody model needs the same operational and legal controls around it:");
        writer.List(
        [
            "**Key inventory and classification**: every key labelled with its data category, owner, classification, jurisdictions and retention (the key settings above).",
            "**Key ceremonies and dual control**: documented, recorded, multi-person generation and import of keys; no single operator can create or unseal a critical key (Custos: unseal shares, two security officers per policy change, quorum approvals).",
            "**Immutable audit**: every key use, allowed or refused, in a tamper-evident log whose checkpoints anyone can verify (`custos audit verify`).",
            "**Backup and escrow**: encrypted, at a second site, under the same residency rules and legal controls as the keys.",
            "**Contracts**: DPAs, standard contractual clauses where relevant, audit rights, and written handling of law-enforcement requests (notice and contest) with every provider in the custody chain.",
            "**Periodic review**: include the HSMs, Custos and the providers in penetration tests and compliance reviews, and run this assessment again when categories or regulations change.",
        ]);
        return writer.Finish();
    }
}
