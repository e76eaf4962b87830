using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Cli.Policy;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Register;

namespace Custos.Cli.Commands;

/// <summary><c>custos register list | show | put | delete</c>: the legal register of providers (see docs/residency.md).</summary>
public static class RegisterCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var register = new Command("register", "The legal register: providers operating locations that hold keys or serve them, with their contracts and certifications");
        register.Subcommands.Add(List());
        register.Subcommands.Add(Show());
        register.Subcommands.Add(Put());
        register.Subcommands.Add(Delete());
        return register;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List every provider, with what it operates on the server answering");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.GetAsync("v1/register/providers", ApiJsonContext.Default.ProviderListResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.ProviderListResponse); return 0; }
            Console.WriteLine($"{"ID",-24} {"LEGAL NAME",-40} {"HQ",-3} {"DPA",-4} {"FIPS",-5} OPERATES");
            foreach (var e in r.Providers)
            {
                var d = e.Provider;
                var name = d.GetProperty("legalName").GetString() ?? "";
                if (d.TryGetProperty("dev", out var dev) && dev.GetBoolean()) name = "(dev) " + name;
                var dpa = d.TryGetProperty("dpa", out _) ? "yes" : "no";
                var fips = d.TryGetProperty("certifications", out var c) && c.TryGetProperty("fips140Level", out var level) ? level.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
                Console.WriteLine($"{e.Id,-24} {Cut(name, 40),-40} {d.GetProperty("headquartersCountry").GetString(),-3} {dpa,-4} {fips,-5} {(e.UsedBy.Count == 0 ? "-" : string.Join(", ", e.UsedBy))}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "The provider id" };
        var format = new Option<string>("--format") { Description = "yaml or json", DefaultValueFactory = _ => "yaml" };
        var cmd = new Command("show", "Print one provider as YAML or JSON, ready to edit and put again") { id, format };
        cmd.OnRun(async (p, ct) =>
        {
            var fmt = p.GetValue(format);
            if (fmt is not ("yaml" or "json")) throw new CliException($"--format is yaml or json, not '{fmt}'", 2);
            using var api = Globals.Api(p);
            var e = await api.GetAsync($"v1/register/providers/{Uri.EscapeDataString(p.GetValue(id)!)}", ApiJsonContext.Default.ProviderResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(e, ApiJsonContext.Default.ProviderResponse); return 0; }
            var document = JsonNode.Parse(e.Provider.GetRawText())!;
            Console.WriteLine($"# provider {e.Id}, last put by {e.UpdatedBy} at {e.UpdatedAt:u}; operates {(e.UsedBy.Count == 0 ? "nothing on this server" : string.Join(", ", e.UsedBy))}");
            if (fmt == "json") Console.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else Console.Write(PolicyYaml.Write(document));
            return 0;
        });
        return cmd;
    }

    private static Command Put()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The provider, YAML or JSON, with its id (see 'custos register show')" };
        var cmd = new Command("put", "Create or replace a provider (refused when it would put a key out of residency policy)") { file };
        cmd.OnRun(async (p, ct) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists) throw new CliException($"provider file '{f.FullName}' does not exist", 2);
            if (PolicyYaml.Read(await File.ReadAllTextAsync(f.FullName, ct), f.Name) is not JsonObject entry)
                throw new CliException($"{f.Name} must hold one provider (a mapping with id, legalName, headquartersCountry, ...)", 2);
            if (entry["id"] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String || idValue.GetValue<string>() is not { Length: > 0 } providerId)
                throw new CliException($"{f.Name} has no 'id': say which provider it is", 2);
            using var api = Globals.Api(p);
            var e = await api.SendAsync(HttpMethod.Put, $"v1/register/providers/{Uri.EscapeDataString(providerId)}", entry,
                ApiJsonContext.Default.JsonObject, ApiJsonContext.Default.ProviderResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(e, ApiJsonContext.Default.ProviderResponse); return 0; }
            Console.WriteLine($"Provider '{e.Id}' put in the legal register{(e.UsedBy.Count == 0 ? "" : $"; it operates {string.Join(", ", e.UsedBy)}")}.");
            return 0;
        });
        return cmd;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("ID") { Description = "The provider id" };
        var cmd = new Command("delete", "Delete a provider that no location of the server names") { id };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            await api.DeleteAsync($"v1/register/providers/{Uri.EscapeDataString(p.GetValue(id)!)}", ct);
            Console.WriteLine($"Provider '{p.GetValue(id)}' deleted from the legal register.");
            return 0;
        });
        return cmd;
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";
}
