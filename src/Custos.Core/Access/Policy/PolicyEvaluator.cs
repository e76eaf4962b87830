using System.Net;
using System.Text.RegularExpressions;
using Custos.Core.Keys;

namespace Custos.Core.Access.Policy;

/// <summary>
/// Decides a request against a policy: a matching deny rule refuses; otherwise the matching allow rules
/// decide, the strictest first (approvals needed if any asks for them, the largest count); otherwise
/// default deny. Pure: no I/O, no clock (the request carries its time).
/// </summary>
public static class PolicyEvaluator
{
    private const string Miss = "";
    private static readonly RuleTrace[] NoTrace = [];

    /// <summary>
    /// Evaluates <paramref name="request"/> against <paramref name="policy"/> (version <paramref name="version"/>).
    /// Without <paramref name="explain"/> an allowed request costs no strings and no trace (the data-plane path);
    /// a refusal is evaluated again with explanations so that its reason names the rule and the condition.
    /// </summary>
    public static PolicyDecision Evaluate(PolicyDocument policy, int version, AccessRequest request, bool explain = false)
    {
        var decision = Decide(policy, version, request, explain);
        return decision.Kind == DecisionKind.Allow || explain ? decision : Decide(policy, version, request, explain: true);
    }

    private static PolicyDecision Decide(PolicyDocument policy, int version, AccessRequest request, bool explain)
    {
        var trace = explain ? new List<RuleTrace>(policy.Rules.Count) : null;
        PolicyRule? deny = null;
        var allows = new List<PolicyRule>();
        (PolicyRule Rule, string Why)? nearMiss = null;
        foreach (var rule in policy.Rules)
        {
            var (applies, why, scopeMatched) = Match(rule, request, explain);
            trace?.Add(new RuleTrace(rule.Id, rule.Effect, applies, why));
            if (applies)
            {
                if (rule.Effect == PolicyEffect.Deny) deny ??= rule;
                else allows.Add(rule);
            }
            else if (scopeMatched && rule.Effect == PolicyEffect.Allow)
            {
                nearMiss ??= (rule, why);
            }
        }
        IReadOnlyList<RuleTrace> rules = trace ?? (IReadOnlyList<RuleTrace>)NoTrace;
        if (!explain && deny is null && allows.Count > 0 && allows.All(r => r.Approvals is null))
            return new PolicyDecision(DecisionKind.Allow, allows[0].Id, Miss, null, allows[0].Conditions?.Rate, version, rules);
        var who = Who(request.Principal);
        var what = $"{request.Operation.Verb()}{(request.Key is { } k ? " with key " + k.Describe() : "")}";
        if (deny is not null)
            return new PolicyDecision(DecisionKind.Deny, deny.Id, $"rule '{deny.Id}' denies {who} to {what}", null, null, version, rules);
        if (allows.Count == 0)
        {
            var reason = nearMiss is { } miss
                ? $"{who} may not {what}: rule '{miss.Rule.Id}' would allow it, but {miss.Why}"
                : $"no rule allows {who} to {what} (policy version {version})";
            return new PolicyDecision(DecisionKind.Deny, PolicyDecision.DefaultDeny, reason, null, null, version, rules);
        }
        var strictest = allows.OrderByDescending(r => r.Approvals?.Count ?? 0).First();
        if (strictest.Approvals is { } approvals)
        {
            var from = approvals.Group is null ? "approvers" : $"approvers in group '{approvals.Group}'";
            return new PolicyDecision(DecisionKind.ApprovalRequired, strictest.Id,
                $"rule '{strictest.Id}' allows {who} to {what} after {approvals.Count} approval(s) from {from}",
                approvals, strictest.Conditions?.Rate, version, rules);
        }
        return new PolicyDecision(DecisionKind.Allow, strictest.Id, $"rule '{strictest.Id}' allows {who} to {what}",
            null, strictest.Conditions?.Rate, version, rules);
    }

    /// <summary>
    /// True when <paramref name="selector"/> selects <paramref name="key"/> (an absent selector selects every key):
    /// the same matching the access rules use, for residency rules and reports.
    /// </summary>
    public static bool Selects(KeySelector? selector, KeyFacts key) => MatchKey(selector, key, explain: false) is null;

    private static string Who(Principal p) => p.Name == p.Id ? $"'{p.Id}'" : $"'{p.Name}' ({p.Id})";

    /// <summary>Whether a rule applies, why (or why not), and whether it covered principal, operation and key (so only a condition failed).</summary>
    private static (bool Applies, string Why, bool ScopeMatched) Match(PolicyRule rule, AccessRequest request, bool explain)
    {
        if (MatchPrincipal(rule, request.Principal, explain) is { } principalMiss) return (false, principalMiss, false);
        if (!Covers(rule.Operations, request.Operation))
            return (false, explain ? $"it does not cover {request.Operation.Name()} (only {string.Join(", ", rule.Operations)})" : Miss, false);
        if (MatchKey(rule.Keys, request.Key, explain) is { } keyMiss) return (false, keyMiss, false);
        if (rule.Conditions is { } c && MatchConditions(c, request) is { } conditionMiss) return (false, conditionMiss, true);
        return (true, explain ? "it covers this principal, operation and key" + (rule.Conditions is null ? "" : " and its conditions hold") : Miss, true);
    }

    private static bool Covers(IReadOnlyList<string> operations, Operation operation)
    {
        foreach (var o in operations)
        {
            if (Operations.Parse(o) is { } parsed && Array.IndexOf(parsed, operation) >= 0) return true;
        }
        return false;
    }

    private static string? MatchPrincipal(PolicyRule rule, Principal principal, bool explain)
    {
        if (rule.Principals is { } principals && (principals.Contains("*") || principals.Contains(principal.Id))) return null;
        if (rule.Roles is { } roles)
        {
            foreach (var r in roles) if (principal.HasRole(r)) return null;
        }
        if (rule.Groups is { } groups)
        {
            foreach (var g in groups) if (principal.Groups.Contains(g)) return null;
        }
        if (!explain) return Miss;
        var wants = new List<string>();
        if (rule.Principals is { Count: > 0 } ps) wants.Add("principal " + string.Join(" or ", ps));
        if (rule.Roles is { Count: > 0 } rs) wants.Add("role " + string.Join(" or ", rs));
        if (rule.Groups is { Count: > 0 } gs) wants.Add("group " + string.Join(" or ", gs));
        return $"it is for {string.Join(", or ", wants)}";
    }

    private static string? MatchKey(KeySelector? selector, KeyFacts? key, bool explain)
    {
        if (selector is null) return null;
        if (!explain) return MatchKey(selector, key, explain: true) is null ? null : Miss;
        if (key is null) return "it is about keys and this operation touches none";
        if (selector.Ids is { Count: > 0 } ids && (key.Id is null || !ids.Contains(key.Id)))
            return $"key {key.Describe()} is not one of its keys";
        if (selector.Aliases is { Count: > 0 } aliases && (key.Alias is null || !aliases.Any(a => Glob(PolicyValidator.StripAlias(a), key.Alias))))
            return $"key {key.Describe()} has no alias matching {string.Join(", ", aliases)}";
        if (selector.Tags is { Count: > 0 } tags)
        {
            foreach (var (tag, value) in tags)
            {
                if (!key.Tags.TryGetValue(tag, out var actual) || (value != "*" && actual != value))
                    return $"key {key.Describe()} lacks tag {tag}={value}";
            }
        }
        if (selector.Classifications is { Count: > 0 } classes && !classes.Contains(key.Classification.Name()))
            return $"key {key.Describe()} is {key.Classification.Name()}, not {string.Join(" or ", classes)}";
        if (selector.DataCategories is { Count: > 0 } categories && !categories.Any(key.DataCategories.Contains))
            return $"key {key.Describe()} protects none of {string.Join(", ", categories)}";
        return null;
    }

    private static string? MatchConditions(RuleConditions c, AccessRequest request)
    {
        if (c.Justifications is { } j)
        {
            var code = request.Justification;
            if (j.Require is { Count: > 0 } require)
            {
                if (code is null) return $"it requires a justification ({(require.Contains("*") ? "any code" : string.Join(", ", require))})";
                if (!require.Contains("*") && !require.Contains(code)) return $"justification '{code}' is not one it accepts ({string.Join(", ", require)})";
            }
            if (code is not null && j.Forbid?.Contains(code) == true) return $"it forbids justification '{code}'";
        }
        if (c.Networks is { Count: > 0 } networks && !NetworkAllowlist.Allows(networks, request.ClientAddress))
            return $"the request comes from {request.ClientAddress?.ToString() ?? "an unknown address"}, outside {string.Join(", ", networks)}";
        if (c.Time is { } window && !InWindow(window, request.Time))
            return $"it applies only {Describe(window)}";
        return null;
    }

    private static bool InWindow(TimeWindow window, DateTimeOffset time)
    {
        var zone = window.TimeZone is null ? TimeZoneInfo.Utc : PolicyValidator.FindZone(window.TimeZone) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(time, zone);
        int minute = local.Hour * 60 + local.Minute;
        int from = window.From is null ? 0 : PolicyValidator.ParseClock(window.From) ?? 0;
        int to = window.To is null ? 24 * 60 : PolicyValidator.ParseClock(window.To) ?? 24 * 60;
        // A window across midnight (22:00-06:00) belongs to the day it starts on.
        var day = local.DayOfWeek;
        bool inHours;
        if (from <= to) inHours = minute >= from && minute < to;
        else if (minute >= from) inHours = true;
        else if (minute < to) { inHours = true; day = (DayOfWeek)(((int)day + 6) % 7); }
        else inHours = false;
        return inHours && (window.Days is not { Count: > 0 } days || days.Any(d => PolicyValidator.Day(d) == day));
    }

    private static string Describe(TimeWindow w) =>
        $"{(w.Days is { Count: > 0 } d ? "on " + string.Join(",", d) + " " : "")}from {w.From ?? "00:00"} to {w.To ?? "24:00"} {w.TimeZone ?? "UTC"}";

    private static bool Glob(string pattern, string value) =>
        pattern.Contains('*')
            ? Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50))
            : pattern == value;
}
