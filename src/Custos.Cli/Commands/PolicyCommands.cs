using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Cli.Policy;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Policy;

namespace Custos.Cli.Commands;

/// <summary><c>custos policy show | versions | propose | approve | reject | explain</c>.</summary>
public static class PolicyCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var policy = new Command("policy", "The access policy: who may do what on which keys (see docs/access.md)");
        policy.Subcommands.Add(Show());
        policy.Subcommands.Add(Versions());
        policy.Subcommands.Add(Propose());
        policy.Subcommands.Add(Decide("approve", "Approve a pending version: it takes effect now (a security officer other than its author)", approve: true));
        policy.Subcommands.Add(Decide("reject", "Reject a pending version", approve: false));
        policy.Subcommands.Add(Explain());
        return policy;
    }

    private static Command Show()
    {
        var version = new Option<int?>("--version") { Description = "A version (default: the one in force; 0 is the built-in default)" };
        var format = new Option<string>("--format") { Description = "yaml or json", DefaultValueFactory = _ => "yaml" };
        var cmd = new Command("show", "Print the policy in force (or a version) as YAML or JSON, ready to edit and propose") { version, format };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var v = p.GetValue(version);
            var r = await api.GetAsync(v is null ? "v1/policy" : $"v1/policy/versions/{v}", ApiJsonContext.Default.PolicyResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.PolicyResponse); return 0; }
            var document = JsonNode.Parse(r.Document!.Value.GetRawText())!;
            var fmt = p.GetValue(format);
            Console.WriteLine($"# policy version {r.Version} ({r.Status}), by {r.Author}{(r.DecidedBy is { } by ? $", approved by {by}" : "")}; sha256 {r.Sha256}");
            if (fmt == "json") Console.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else if (fmt == "yaml") Console.Write(PolicyYaml.Write(document));
            else throw new CliException($"--format is yaml or json, not '{fmt}'", 2);
            return 0;
        });
        return cmd;
    }

    private static Command Versions()
    {
        var cmd = new Command("versions", "List every policy version: pending, active, superseded, rejected");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.GetAsync("v1/policy/versions", ApiJsonContext.Default.PolicyListResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.PolicyListResponse); return 0; }
            Console.WriteLine($"{"VERSION",-8} {"STATUS",-11} {"AUTHOR",-26} {"DECIDED BY",-26} {"CREATED",-20} COMMENT");
            foreach (var v in r.Versions)
                Console.WriteLine($"{v.Version,-8} {v.Status,-11} {v.Author,-26} {v.DecidedBy ?? "-",-26} {v.CreatedAt.ToString("u"),-20} {v.Comment}");
            return 0;
        });
        return cmd;
    }

    private static Command Propose()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy, YAML or JSON (see 'custos policy show')" };
        var comment = new Option<string?>("--comment") { Description = "Why: shown to the security officer who approves it" };
        var cmd = new Command("propose", "Propose a new policy version; it takes effect when another security officer approves it") { file, comment };
        cmd.OnRun(async (p, ct) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists) throw new CliException($"policy file '{f.FullName}' does not exist", 2);
            var document = PolicyYaml.Read(await File.ReadAllTextAsync(f.FullName, ct), f.Name);
            var body = new PolicyEndpoints.ProposeRequest(JsonDocument.Parse(document.ToJsonString()).RootElement.Clone(), p.GetValue(comment));
            using var api = Globals.Api(p);
            var r = await api.SendAsync(HttpMethod.Post, "v1/policy", body, ApiJsonContext.Default.ProposeRequest, ApiJsonContext.Default.PolicyResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.PolicyResponse); return 0; }
            Console.WriteLine($"Policy version {r.Version} proposed (sha256 {r.Sha256}); it is NOT in force yet.");
            Console.WriteLine($"Another security officer reviews it with 'custos policy show --version {r.Version}' and approves it with 'custos policy approve {r.Version}'.");
            return 0;
        });
        return cmd;
    }

    private static Command Decide(string name, string help, bool approve)
    {
        var version = new Argument<int>("VERSION") { Description = "The pending version" };
        var cmd = new Command(name, help) { version };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.PostAsync($"v1/policy/versions/{p.GetValue(version)}/{name}", ApiJsonContext.Default.PolicyResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.PolicyResponse); return 0; }
            Console.WriteLine(approve ? $"Policy version {r.Version} is now in force." : $"Policy version {r.Version} rejected.");
            return 0;
        });
        return cmd;
    }

    private static Command Explain()
    {
        var principal = new Option<string?>("--principal") { Description = "Principal id, e.g. token:tok_0123abcd or cert:alice" };
        var roles = new Option<string[]>("--role") { Description = "Instead of --principal: a role of a hypothetical principal (repeat)" };
        var groups = new Option<string[]>("--group") { Description = "Instead of --principal: a group of a hypothetical principal (repeat)" };
        var operation = new Option<string>("--operation") { Description = "read, create, manage, disable, destroy, rotate, encrypt, decrypt, generate-data-key, rewrap, approve, read-audit, administer", Required = true };
        var key = new Option<string?>("--key") { Description = "Key id or alias/NAME" };
        var justification = new Option<string?>("--justification") { Description = "Justification code the request would carry" };
        var from = new Option<string?>("--from") { Description = "Client address the request would come from" };
        var at = new Option<DateTimeOffset?>("--at") { Description = "When (ISO 8601; default now)" };
        var version = new Option<int?>("--version") { Description = "Explain by this version (e.g. a pending one) instead of the one in force" };
        var cmd = new Command("explain", "Say which rule decides whether a principal may do an operation on a key, and why")
            { principal, roles, groups, operation, key, justification, from, at, version };
        cmd.OnRun(async (p, ct) =>
        {
            var body = new PolicyEndpoints.ExplainRequest(p.GetValue(operation), p.GetValue(principal),
                p.GetValue(roles) is { Length: > 0 } r ? r : null, p.GetValue(groups) is { Length: > 0 } g ? g : null,
                p.GetValue(key), p.GetValue(justification), p.GetValue(from), p.GetValue(at), p.GetValue(version));
            using var api = Globals.Api(p);
            var e = await api.SendAsync(HttpMethod.Post, "v1/policy/explain", body, ApiJsonContext.Default.ExplainRequest, ApiJsonContext.Default.ExplainResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(e, ApiJsonContext.Default.ExplainResponse); return e.Decision == "allow" ? 0 : 3; }
            Console.WriteLine($"Decision: {e.Decision.ToUpperInvariant()} by rule '{e.Rule}' (policy version {e.PolicyVersion})");
            Console.WriteLine($"Why:      {e.Reason}");
            if (e.Approvals is { } a) Console.WriteLine($"Needs:    {a.Count} approval(s){(a.Group is null ? "" : $" from group {a.Group}")}; data-plane grants last {a.GrantMinutes} min or {a.GrantUses} uses");
            if (e.Rate is { } rate) Console.WriteLine($"Rate:     at most {rate.Requests} per {rate.PerSeconds} s per principal");
            Console.WriteLine("Rules:");
            foreach (var t in e.Rules) Console.WriteLine($"  {(t.Applies ? "*" : " ")} {t.Id,-32} {t.Effect,-5}  {t.Why}");
            return e.Decision == "allow" ? 0 : 3;
        });
        return cmd;
    }
}
