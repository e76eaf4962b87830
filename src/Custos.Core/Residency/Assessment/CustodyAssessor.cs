using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// Maps data categories to a recommended custody model by the ordered rules of <see cref="CustodyRule.All"/>
/// (the first that applies decides), explains each recommendation with the inputs that triggered it, what
/// else was considered and what it costs, recommends key settings, and drafts the starting policy. Pure:
/// no I/O, no clock; the same input always gives the same output.
/// </summary>
public static class CustodyAssessor
{
    /// <summary>Assesses every category of <paramref name="inventory"/>.</summary>
    public static CustodyAssessment Assess(CategoryInventory inventory)
    {
        var slugs = Slugs(inventory.Categories.Select(c => c.Name));
        var assessed = new List<CategoryAssessment>();
        var rules = new List<CategoryRules>();
        for (int i = 0; i < inventory.Categories.Count; i++)
        {
            var (assessment, categoryRules) = AssessOne(inventory.Categories[i], slugs[i]);
            assessed.Add(assessment);
            rules.Add(categoryRules);
        }
        var procedure = CustodyRule.All.Select(r => new ProcedureStep(r.Number, r.Id, r.Model.Name(), CustodyModel.For(r.Model).Title, r.Condition, r.Rationale)).ToList();
        return new CustodyAssessment(inventory.Organisation, assessed, procedure, PolicyDrafter.Assemble(rules, inventory.Organisation));
    }

    /// <summary>Rotation period recommended for a sensitivity: shorter for more sensitive data.</summary>
    public static int RotationDays(Classification sensitivity) => sensitivity switch
    {
        Classification.Secret => 90,
        Classification.Restricted => 180,
        Classification.Confidential or Classification.Internal => 365,
        _ => 730,
    };

    private static (CategoryAssessment, CategoryRules) AssessOne(CategoryProfile c, string slug)
    {
        var matches = CustodyRule.All.Select(r => (Rule: r, Triggers: r.Triggers(c))).Where(m => m.Triggers.Count > 0).ToList();
        var (rule, triggers) = matches[0];
        var model = CustodyModel.For(rule.Model);
        KeyCustody? interim = model.Implemented ? null
            : rule.Model == KeyCustody.Remote && c.Sensitivity < Classification.Restricted ? KeyCustody.Software : KeyCustody.Hsm;

        var reasons = new List<string>
        {
            $"Rule {rule.Number} ({rule.Id}) recommends {model.Title} for {rule.Condition}; it applies here because of {Quoted(triggers)}.",
            rule.Rationale,
        };
        foreach (var regime in c.Regimes) reasons.Add($"{regime.Code}: {regime.Why}.");
        if (c.Sensitivity < Classification.Restricted && c.Any(r => r.PhysicalControlExpected) && !c.PhysicalControl)
            reasons.Add($"{c.RegimesWith(r => r.PhysicalControlExpected)} call for physical control of keys of restricted or secret data; at {c.Sensitivity.Name()} that does not decide the model. "
                + "Raise the sensitivity, or set physicalControl: true, if this data needs it.");
        if (c.DeveloperFacing && rule.Model != KeyCustody.Remote && c.Sensitivity == Classification.Public)
            reasons.Add("The data is developer-facing but public: a cloud KMS would add cost and legal exposure without protecting anything that needs it.");

        var also = matches.Skip(1)
            .Where(m => m.Rule.Model != rule.Model && m.Rule.Model != KeyCustody.Software)
            .Select(m => $"Rule {m.Rule.Number} ({m.Rule.Id}) also applies (because of {Quoted(m.Triggers)}) and would choose {CustodyModel.For(m.Rule.Model).Title}; "
                + $"rule {rule.Number} comes first in the procedure, so {model.Title} is recommended."
                + (m.Rule.Model == KeyCustody.Remote ? " Give the developer teams envelope encryption through the Custos SDK, with short-lived data-key caches, instead." : ""))
            .ToList();

        var categoryRules = PolicyDrafter.ForCategory(c, slug, rule.Model);
        var custody = (interim ?? rule.Model).Name();
        var rotation = RotationDays(c.Sensitivity);
        var command = $"custos keys create --alias {slug} --custody {custody} --classification {c.Sensitivity.Name()} --data-category {c.Name} "
            + string.Concat(c.Jurisdictions.Select(j => $"--jurisdiction {j} ")) + $"--rotation-days {rotation}";

        var assessment = new CategoryAssessment
        {
            Category = c.Name,
            Description = c.Description,
            Model = rule.Model.Name(),
            ModelTitle = model.Title,
            Pattern = model.Pattern,
            Implemented = model.Implemented,
            Interim = interim?.Name(),
            InterimNote = interim is null ? null : InterimNote(c, rule.Model, interim.Value),
            Rule = rule.Id,
            RuleNumber = rule.Number,
            Triggers = triggers,
            Reasons = reasons,
            AlsoConsidered = also,
            TradeOffs = [.. model.TradeOffs, .. Situational(c, rule.Model)],
            Key = new KeySettings(slug, custody, c.Sensitivity.Name(), [c.Name], c.Jurisdictions, rotation, command),
            PolicyNotes = categoryRules.Notes,
            PolicyRules = [.. categoryRules.Access.Select(r => r.Id), categoryRules.Residency.Id],
        };
        return (assessment, categoryRules);
    }

    private static string Quoted(IEnumerable<string> triggers) => string.Join(" and ", triggers.Select(t => $"`{t}`"));

    private static string InterimNote(CategoryProfile c, KeyCustody model, KeyCustody interim) => model switch
    {
        KeyCustody.Remote =>
            $"Custos cannot use a remote KMS yet. Until it can, create these keys with custody '{interim.Name()}'"
            + (interim == KeyCustody.Hsm ? " (restricted keys need FIPS 140-3 level 3 modules)" : "")
            + "; the residency rule already names what the cloud provider must have, so moving them later needs no policy change.",
        _ =>
            $"Custos cannot split keys across custodians yet. Until it can, keep these keys in an HSM you operate in {string.Join(", ", c.Jurisdictions)}, "
            + "with dual control and an encrypted backup at a second site; availability is then that of your HSM setup, and one site's jurisdiction can reach the key.",
    };

    private static IEnumerable<string> Situational(CategoryProfile c, KeyCustody model)
    {
        var where = string.Join(", ", c.Jurisdictions);
        if (model == KeyCustody.Hsm && c.Availability >= Availability.High)
            yield return $"availability {CustodyRule.Name(c.Availability)}: run at least two HSMs (a cluster or an active pair) at separate sites in {where}, and rehearse restoring from the encrypted backup";
        if (model == KeyCustody.Hsm && c.DeveloperFacing)
            yield return "developer-facing: give the teams envelope encryption through the Custos SDK with short-lived data-key caches, so HSM latency and throughput stay out of their path";
        if (model == KeyCustody.Remote && c.Availability == Availability.Critical)
            yield return "availability critical: a provider outage stops decrypts; wrap each data key a second time under a key in another keystore (an envelope can carry several wrapped copies)";
        if (model == KeyCustody.Software && c.Availability >= Availability.High)
            yield return $"availability {CustodyRule.Name(c.Availability)}: run several Custos nodes on PostgreSQL so that losing one stops nothing";
        if (c.Sensitivity >= Classification.Restricted)
            yield return $"decrypt needs {PolicyDrafter.QuorumCount} approvals: a service gets a grant of {PolicyDrafter.GrantMinutes} minutes per approval round, so high-volume decrypt paths need an approval routine or a design where most services only encrypt";
        if (c.LegalIsolation || c.Sensitivity == Classification.Secret)
            yield return $"legal exposure limited to {where}: a provider that another country's law can compel (for example through a parent company abroad) does not qualify, even in an EU region";
    }

    /// <summary>Rule-id prefixes: lower case, a-z 0-9 '-', at most 40 characters, unique.</summary>
    internal static IReadOnlyList<string> Slugs(IEnumerable<string> names)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var slugs = new List<string>();
        foreach (var name in names)
        {
            var chars = name.ToLowerInvariant().Select(ch => ch is >= 'a' and <= 'z' or >= '0' and <= '9' ? ch : '-').ToArray();
            var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
            if (slug.Length > 40) slug = slug[..40].TrimEnd('-');
            if (slug.Length == 0) slug = "category";
            var unique = slug;
            for (int n = 2; !used.Add(unique); n++) unique = $"{(slug.Length > 36 ? slug[..36] : slug)}-{n}";
            slugs.Add(unique);
        }
        return slugs;
    }
}
