using System.CommandLine;
using Custos.Server.Api.Rest;

namespace Custos.Cli.Commands;

/// <summary><c>custos grants list | revoke</c>: what approvals of data-plane requests yielded.</summary>
public static class GrantsCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var grants = new Command("grants", "Grants yielded by approvals: list and revoke");

        var list = new Command("list", "List grants, newest first (security officers see all, others their own and those they approved)");
        list.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.GetAsync("v1/grants", ApiJsonContext.Default.GrantListResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.GrantListResponse); return 0; }
            Console.WriteLine($"{"ID",-28} {"STATE",-8} {"OPERATION",-18} {"KEY",-36} {"USES",-11} {"EXPIRES",-20} PRINCIPAL");
            foreach (var g in r.Grants)
                Console.WriteLine($"{g.Id,-28} {g.State,-8} {g.Operation,-18} {g.KeyId ?? "-",-36} {$"{g.UsesLeft}/{g.Uses}",-11} {g.ExpiresAt.ToString("u"),-20} {g.Principal}");
            Console.WriteLine($"{r.Grants.Count} grant(s)");
            return 0;
        });

        var id = new Argument<string>("ID") { Description = "Grant id (grt_...)" };
        var revoke = new Command("revoke", "Revoke a grant: it serves no further request") { id };
        revoke.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var g = await api.PostAsync($"v1/grants/{Uri.EscapeDataString(p.GetValue(id)!)}/revoke", ApiJsonContext.Default.GrantResponse, ct);
            Console.WriteLine($"Grant {g.Id} ({g.Operation} with key {g.KeyId} for {g.Principal}) revoked.");
            return 0;
        });

        grants.Subcommands.Add(list);
        grants.Subcommands.Add(revoke);
        return grants;
    }
}
