using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Keys;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// Drafts the policy rules for assessed categories. Per category: access rules that let the category's
/// group use keys carrying its data-category label (with a justification where a regime or the
/// sensitivity asks for a recorded reason, and two approvals before a decrypt of restricted or secret
/// data), and one residency rule (where the keys may live, which laws may reach their operators, what
/// their providers must have signed). Around them, the default role rules minus <c>bootstrap-root</c>
/// and <c>key-users-use</c>, which would let any key user use every key.
/// </summary>
internal static class PolicyDrafter
{
    /// <summary>Approvals needed before a decrypt of restricted or secret data.</summary>
    internal const int QuorumCount = 2;

    /// <summary>How long a data-plane grant lasts after approval.</summary>
    internal const int GrantMinutes = 15;

    private static readonly string[] DroppedDefaults = ["bootstrap-root", "key-users-use"];

    private static readonly Dictionary<string, string> DefaultComments = new(StringComparer.Ordinal)
    {
        ["security-officers-administer"] = "Security officers administer Custos (tokens, seal, policy) and read the audit log; a policy change takes effect only when a second officer approves it.",
        ["key-admins-manage"] = "Key administrators create and manage keys (use the key settings 'custos assess' printed) but do not use them for data: separation of duties.",
        ["approvers-approve"] = "Approvers (in the categories' approver groups) approve the decrypts the category rules put under quorum, never their own.",
        ["auditors-read"] = "Auditors read the audit log, cosign its checkpoints and read key metadata: the evidence regulators ask for.",
        ["readers-read"] = "Readers read key metadata.",
    };

    /// <summary>The rules for one category assessed to <paramref name="model"/>; rule ids start with <paramref name="slug"/>.</summary>
    internal static CategoryRules ForCategory(CategoryProfile c, string slug, KeyCustody model)
    {
        var keys = new KeySelector { DataCategories = [c.Name] };
        var notes = new List<string>();
        var comments = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var header = $"Category '{c.Name}' ({c.Sensitivity.Name()}{(c.Regimes.Count > 0 ? "; " + string.Join(", ", c.Regimes.Select(r => r.Code)) : "")}): custody {model.Name()}.";

        var justified = JustificationReason(c);
        var conditions = justified is null ? null : new RuleConditions { Justifications = new JustificationCondition { Require = ["*"] } };
        var reason = justified is null ? "" : $" Every request must carry a justification code (any published code): {justified}.";
        var access = new List<PolicyRule>();
        if (c.Sensitivity >= Classification.Restricted)
        {
            int uses = c.Sensitivity == Classification.Secret ? 10 : 100;
            access.Add(new PolicyRule
            {
                Id = slug + "-encrypt",
                Description = Cap($"members of group {c.Group} encrypt and generate data keys with {c.Name} keys" + (justified is null ? "" : ", with a justification")),
                Groups = [c.Group],
                Operations = ["encrypt", "generate-data-key"],
                Keys = keys,
                Conditions = conditions,
            });
            access.Add(new PolicyRule
            {
                Id = slug + "-decrypt",
                Description = Cap($"members of group {c.Group} decrypt and rewrap with {c.Name} keys after {QuorumCount} approvals from group {c.ApproverGroup}" + (justified is null ? "" : ", with a justification")),
                Groups = [c.Group],
                Operations = ["decrypt", "rewrap"],
                Keys = keys,
                Conditions = conditions,
                Approvals = new ApprovalRequirement { Count = QuorumCount, Group = c.ApproverGroup, GrantMinutes = GrantMinutes, GrantUses = uses },
            });
            notes.Add($"Members of group '{c.Group}' may encrypt and generate data keys with keys labelled '{c.Name}'.{reason}");
            var quorum = $"Decrypt and rewrap need {QuorumCount} approvals from approvers in group '{c.ApproverGroup}' (never the requester): no single person or service unwraps {c.Sensitivity.Name()} data alone "
                + $"(dual control, a policy-driven quorum for unwraps). An approval gives a grant of {GrantMinutes} minutes or {uses} uses.";
            notes.Add(quorum);
            comments[slug + "-encrypt"] = [header, $"Group '{c.Group}' (give the applications' tokens --group {c.Group}) encrypts and creates data keys.{reason}"];
            comments[slug + "-decrypt"] = [quorum];
        }
        else
        {
            access.Add(new PolicyRule
            {
                Id = slug + "-use",
                Description = Cap($"members of group {c.Group} use {c.Name} keys for data" + (justified is null ? "" : ", with a justification")),
                Groups = [c.Group],
                Operations = ["data"],
                Keys = keys,
                Conditions = conditions,
            });
            var use = $"Members of group '{c.Group}' may encrypt, decrypt, generate data keys and rewrap with keys labelled '{c.Name}'.{reason}";
            notes.Add(use);
            comments[slug + "-use"] = [header, use + $" Give the applications' tokens --group {c.Group}."];
        }

        var (residency, residencyNotes) = Residency(c, slug, model, keys);
        notes.AddRange(residencyNotes);
        comments[residency.Id] = [$"Category '{c.Name}':", .. residencyNotes];
        return new CategoryRules(access, residency, notes, comments);
    }

    /// <summary>The whole draft: default role rules, then each category's access rules; each category's residency rule.</summary>
    internal static PolicyDraft Assemble(IReadOnlyList<CategoryRules> categories, string? organisation)
    {
        var defaults = DefaultPolicy.Document.Rules.Where(r => !DroppedDefaults.Contains(r.Id)).ToList();
        var document = new PolicyDocument
        {
            Rules = [.. defaults, .. categories.SelectMany(c => c.Access)],
            Residency = [.. categories.Select(c => c.Residency)],
        };
        var comments = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var rule in defaults) comments[rule.Id] = [DefaultComments.GetValueOrDefault(rule.Id, rule.Description ?? rule.Id)];
        foreach (var c in categories)
        {
            foreach (var (id, lines) in c.Comments) comments[id] = lines;
        }
        IReadOnlyList<string> header =
        [
            $"Starting Custos policy drafted by 'custos assess'{(organisation is null ? "" : " for " + organisation)} from its data-category assessment. "
                + "Review every rule, then propose it (custos policy propose FILE); it takes effect when a second security officer approves it.",
            "",
            "Data access is granted per data category: a rule covers a key that carries the category as a data-category label "
                + "(custos keys create --data-category NAME), and an application whose token is in the category's group (custos tokens create --group NAME).",
            "",
            "Left out on purpose: 'bootstrap-root' (revoke the root token once security officers exist) and the default 'key-users-use', "
                + "which would let any key user use every key. Add rules for keys outside these categories as you need them.",
        ];
        return new PolicyDraft(document, header, comments);
    }

    private static string? JustificationReason(CategoryProfile c)
    {
        var parts = new List<string>();
        if (c.Any(r => r.JustificationRequired)) parts.Add($"{c.RegimesWith(r => r.JustificationRequired)} ask{(c.Regimes.Count(r => r.JustificationRequired) == 1 ? "s" : "")} for a recorded reason for each access");
        if (c.Sensitivity >= Classification.Restricted) parts.Add($"{c.Sensitivity.Name()} data is used on a need-to-know basis");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static (ResidencyRule Rule, IReadOnlyList<string> Notes) Residency(CategoryProfile c, string slug, KeyCustody model, KeySelector keys)
    {
        var where = string.Join(", ", c.Jurisdictions);
        var notes = new List<string>
        {
            $"Keys labelled '{c.Name}' may live, and be served, only in {where}"
                + (c.JurisdictionsGiven ? "." : $" (no jurisdictions were given: {CategoryInventory.DefaultJurisdiction} is the default)."),
        };
        IReadOnlyList<string>? exposure = null;
        if (c.LegalIsolation || c.Sensitivity == Classification.Secret)
        {
            exposure = c.Jurisdictions;
            notes.Add($"Their operators may be compellable only under {where} law ({(c.LegalIsolation ? "legal isolation is required" : "secret data")}): "
                + "being hosted in the right country is not enough when the operator answers to another country's courts.");
        }

        var provider = new ProviderRequirements();
        var needs = new List<string>();
        void Need(string what, string why, Action set)
        {
            set();
            needs.Add($"{what} ({why})");
        }
        var dpa = new List<string>();
        if (c.Any(r => r.PersonalData)) dpa.Add($"personal data under {c.RegimesWith(r => r.PersonalData)}");
        if (c.Sensitivity >= Classification.Restricted) dpa.Add(c.Sensitivity.Name());
        if (model == KeyCustody.Remote) dpa.Add("a cloud provider holds the key");
        if (dpa.Count > 0) Need("a DPA", string.Join("; ", dpa), () => provider.Dpa = true);
        var audit = new List<string>();
        if (c.Sensitivity >= Classification.Restricted) audit.Add(c.Sensitivity.Name());
        if (c.Any(r => r.AuditRightsRequired)) audit.Add(c.RegimesWith(r => r.AuditRightsRequired));
        if (model == KeyCustody.Remote) audit.Add("verify the provider's controls yourself");
        if (audit.Count > 0) Need("audit rights", string.Join("; ", audit), () => provider.AuditRights = true);
        var contest = new List<string>();
        if (c.LegalIsolation) contest.Add("legal isolation");
        if (model is KeyCustody.Remote or KeyCustody.Threshold) contest.Add("a third party holds the key or a share of it");
        if (contest.Count > 0) Need("notice and contest of law-enforcement requests", string.Join("; ", contest), () => provider.NotifyAndContest = true);
        bool euOnly = c.Jurisdictions.All(j => j == "EU" || Jurisdictions.EuCountries.Contains(j));
        if (euOnly && (model == KeyCustody.Remote || c.LegalIsolation))
            Need("EU-only staff", model == KeyCustody.Remote ? "a sovereign region is operated by EU staff" : "legal isolation", () => provider.EuOnlyStaffing = true);
        if (c.Sensitivity >= Classification.Restricted) Need("FIPS 140-3 level 3 modules", c.Sensitivity.Name(), () => provider.Fips140Level = 3);
        if (model == KeyCustody.Remote) Need("ISO/IEC 27001", "third-party audit reports on the provider", () => provider.Iso27001 = true);
        if (needs.Count > 0) notes.Add($"Every provider holding their material must have: {string.Join(", ", needs)}.");

        var rule = new ResidencyRule
        {
            Id = slug + "-residency",
            Description = Cap($"{c.Name} keys stay in {where}" + (exposure is null ? "" : $", operators compellable only under {where} law") + (needs.Count > 0 ? ", with provider contracts and certifications" : "")),
            Keys = keys,
            AllowedJurisdictions = c.Jurisdictions,
            AllowedLegalExposure = exposure,
            Provider = needs.Count > 0 ? provider : null,
        };
        return (rule, notes);
    }

    private static string Cap(string description) => description.Length <= 1024 ? description : description[..1021] + "...";
}
