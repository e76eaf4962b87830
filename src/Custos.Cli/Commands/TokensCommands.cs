using System.CommandLine;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Tokens;

namespace Custos.Cli.Commands;

/// <summary><c>custos tokens create | list | revoke</c>.</summary>
public static class TokensCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var tokens = new Command("tokens", "Manage access tokens");

        var name = new Option<string>("--name") { Description = "Name of the token (who or what uses it)", Required = true };
        var roles = new Option<string[]>("--role", "--scope") { Description = "Role: security-officer, key-admin, key-user, approver, auditor, reader (repeat; default: key-user and reader)" };
        var groups = new Option<string[]>("--group") { Description = "Group the holder belongs to, e.g. payments-approvers (repeat)" };
        var ttl = new Option<string?>("--ttl") { Description = "Lifetime, e.g. 30m, 12h, 90d (default: no expiry)" };
        var networks = new Option<string[]>("--allow-network") { Description = "Use the token only from this network, e.g. 10.20.0.0/16 or 2001:db8::/32 or one address (repeat; default: anywhere)" };
        var approvalKey = new Option<string?>("--approval-key") { Description = "PEM public key the holder signs approvals with (see 'custos approvals keygen'); never the private key" };
        var create = new Command("create", "Create a token; its secret is shown once") { name, roles, groups, ttl, networks, approvalKey };
        create.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = p.GetValue(roles) is { Length: > 0 } given ? given : null;
            var g = p.GetValue(groups) is { Length: > 0 } gs ? gs : null;
            var n = p.GetValue(networks) is { Length: > 0 } nets ? nets : null;
            var body = new TokenEndpoints.CreateRequest(p.GetValue(name), r, ParseTtl(p.GetValue(ttl)), n, g, null, ReadApprovalKey(p.GetValue(approvalKey)));
            var t = await api.SendAsync(HttpMethod.Post, "v1/tokens", body, ApiJsonContext.Default.CreateRequest, ApiJsonContext.Default.TokenResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(t, ApiJsonContext.Default.TokenResponse); return 0; }
            Console.WriteLine($"Token:    {t.Token}");
            Console.WriteLine($"Id:       {t.Id}");
            Console.WriteLine($"Roles:    {string.Join(", ", t.Roles)}");
            Console.WriteLine($"Groups:   {(t.Groups.Count > 0 ? string.Join(", ", t.Groups) : "none")}");
            Console.WriteLine($"Expires:  {(t.ExpiresAt is { } e ? e.ToString("u") : "never")}");
            Console.WriteLine($"From:     {(t.AllowedNetworks is { Count: > 0 } an ? string.Join(", ", an) : "any network")}");
            Console.WriteLine($"Approves: {(t.ApprovalKeySha256 is { } k ? "with approval key sha256:" + k : "no (no approval key)")}");
            Console.WriteLine("The token is shown only now; Custos keeps only its hash.");
            return 0;
        });

        var list = new Command("list", "List tokens (never their secrets)");
        list.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var r = await api.GetAsync("v1/tokens", ApiJsonContext.Default.TokenListResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.TokenListResponse); return 0; }
            Console.WriteLine($"{"ID",-22} {"NAME",-20} {"ROLES",-28} {"EXPIRES",-20} {"STATUS",-8} FROM");
            foreach (var t in r.Tokens)
            {
                var status = t.RevokedAt is not null ? "revoked" : t.ExpiresAt < DateTimeOffset.UtcNow ? "expired" : "active";
                Console.WriteLine($"{t.Id,-22} {t.Name,-20} {string.Join(",", t.Roles),-28} {(t.ExpiresAt?.ToString("u") ?? "never"),-20} {status,-8} {(t.AllowedNetworks is { Count: > 0 } an ? string.Join(",", an) : "any")}");
            }
            return 0;
        });

        var id = new Argument<string>("ID") { Description = "Token id (tok_...)" };
        var revoke = new Command("revoke", "Revoke a token") { id };
        revoke.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var t = await api.PostAsync($"v1/tokens/{Uri.EscapeDataString(p.GetValue(id)!)}/revoke", ApiJsonContext.Default.TokenResponse, ct);
            Console.WriteLine($"Token {t.Id} ({t.Name}) revoked.");
            return 0;
        });

        tokens.Subcommands.Add(create);
        tokens.Subcommands.Add(list);
        tokens.Subcommands.Add(revoke);
        return tokens;
    }

    /// <summary>The PEM text of a public key file, checked here so that a private key is never sent.</summary>
    private static string? ReadApprovalKey(string? file)
    {
        if (file is null) return null;
        if (!File.Exists(file)) throw new CliException($"approval key file '{file}' does not exist", 2);
        var pem = File.ReadAllText(file);
        if (Custos.Crypto.Signing.VerificationKey.FromPem(pem, out var problem) is null) throw new CliException($"{file}: {problem}", 2);
        return pem;
    }

    /// <summary>Parses 90s, 30m, 12h, 90d into seconds.</summary>
    public static long? ParseTtl(string? ttl)
    {
        if (string.IsNullOrWhiteSpace(ttl)) return null;
        var unit = ttl[^1];
        if (!long.TryParse(ttl[..^1], out var n) || n <= 0)
            throw new CliException($"ttl '{ttl}' must be a number followed by s, m, h or d (e.g. 12h)", 2);
        return unit switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            'd' => n * 86400,
            _ => throw new CliException($"ttl '{ttl}' must end in s, m, h or d", 2),
        };
    }
}
