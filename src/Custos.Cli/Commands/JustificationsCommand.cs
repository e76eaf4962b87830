using System.CommandLine;
using Custos.Server.Api.Rest;

namespace Custos.Cli.Commands;

/// <summary><c>custos justifications</c>: the published justification codes, from the server.</summary>
public static class JustificationsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var cmd = new Command("justifications", "List the justification codes that --justification accepts");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.GetAsync("v1/justifications", ApiJsonContext.Default.JustificationsResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.JustificationsResponse); return 0; }
            int width = r.Justifications.Max(j => j.Code.Length) + 2;
            foreach (var j in r.Justifications) Console.WriteLine(j.Code.PadRight(width) + j.Description);
            return 0;
        });
        return cmd;
    }
}
