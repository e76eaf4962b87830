using System.CommandLine;
using System.Text;
using Custos.Cli.Http;
using Custos.Crypto.Signing;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Approvals;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos approvals keygen | list | show | approve | deny</c>. An approver's private key stays on the approver's
/// machine: <c>approve</c> fetches the request's statement from the server, signs it here, and sends the signature.
/// </summary>
public static class ApprovalsCommands
{
    /// <summary>File name of the private key <c>keygen</c> writes.</summary>
    public const string PrivateKeyFile = "approval-key.pem";
    /// <summary>File name of the public key <c>keygen</c> writes.</summary>
    public const string PublicKeyFile = "approval-key.pub.pem";

    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var approvals = new Command("approvals", "Quorum approvals: list, show, approve or deny requests that a policy rule put under approval");
        approvals.Subcommands.Add(Keygen());
        approvals.Subcommands.Add(List());
        approvals.Subcommands.Add(Show());
        approvals.Subcommands.Add(Decide("approve", "Approve a request: signs its statement with your approval key"));
        approvals.Subcommands.Add(Decide("deny", "Deny a request (one denial denies it): signs its statement with your approval key"));
        return approvals;
    }

    private static Command Keygen()
    {
        var dir = new Option<string>("--out") { Description = "Folder to write approval-key.pem (private, mode 0600) and approval-key.pub.pem into", Required = true };
        var cmd = new Command("keygen", "Make an ECDSA P-256 approval key pair; register the public one with 'custos tokens create --approval-key'") { dir };
        cmd.OnRun((p, _) =>
        {
            var folder = Directory.CreateDirectory(p.GetValue(dir)!).FullName;
            var privatePath = Path.Combine(folder, PrivateKeyFile);
            var publicPath = Path.Combine(folder, PublicKeyFile);
            if (File.Exists(privatePath) || File.Exists(publicPath)) throw new CliException($"{folder} already holds an approval key; not overwriting it", 2);
            using var key = SigningKey.GenerateEcdsaP256();
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(privatePath, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(key.ExportPrivateKeyPem());
                writer.Write('\n');
            }
            File.WriteAllText(publicPath, key.PublicKey.ToPem() + "\n");
            Console.WriteLine($"Private key: {privatePath} (keep it to yourself; it never goes to the server)");
            Console.WriteLine($"Public key:  {publicPath}");
            Console.WriteLine($"Key sha256:  {key.PublicKey.Fingerprint}");
            Console.WriteLine($"Next: custos tokens create --name NAME --role approver --approval-key {publicPath}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "pending, approved, denied, expired or executed" };
        var mine = new Option<bool>("--mine") { Description = "Only requests you made" };
        var forMe = new Option<bool>("--for-me") { Description = "Only pending requests you may still decide on" };
        var cmd = new Command("list", "List approval requests, newest first") { status, mine, forMe };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var query = new List<string>();
            if (p.GetValue(status) is { } s) query.Add("status=" + Uri.EscapeDataString(s));
            if (p.GetValue(mine)) query.Add("mine=true");
            if (p.GetValue(forMe)) query.Add("for-me=true");
            var r = await api.GetAsync("v1/approvals" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ApiJsonContext.Default.ApprovalListResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(r, ApiJsonContext.Default.ApprovalListResponse); return 0; }
            Console.WriteLine($"{"ID",-28} {"STATUS",-9} {"OPERATION",-18} {"KEY",-36} {"APPROVALS",-9} {"EXPIRES",-20} REQUESTER");
            foreach (var a in r.Approvals)
                Console.WriteLine($"{a.Id,-28} {a.Status,-9} {a.Operation,-18} {a.KeyId ?? "-",-36} {$"{a.Approvals}/{a.Required}",-9} {a.ExpiresAt.ToString("u"),-20} {a.RequesterName} ({a.Requester})");
            Console.WriteLine($"{r.Approvals.Count} request(s)");
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "Approval request id (apr_...)" };
        var cmd = new Command("show", "Show an approval request, its decisions and the statement approvers sign") { id };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var a = await api.GetAsync(ApprovalPath(p.GetValue(id)!), ApiJsonContext.Default.ApprovalResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(a, ApiJsonContext.Default.ApprovalResponse); return 0; }
            Print(a);
            Console.WriteLine("Statement to sign (approve):");
            Console.Write(Indent(a.ApproveStatement ?? ""));
            return 0;
        });
        return cmd;
    }

    private static Command Decide(string decision, string help)
    {
        var id = new Argument<string>("ID") { Description = "Approval request id (apr_...)" };
        var keyFile = new Option<string>("--key") { Description = "Your approval private key (PEM), e.g. approval-key.pem from 'custos approvals keygen'", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded with the decision)" };
        var cmd = new Command(decision, help) { id, keyFile, reason };
        cmd.OnRun(async (p, ct) =>
        {
            var requestId = p.GetValue(id)!;
            using var key = LoadKey(p.GetValue(keyFile)!);
            using var api = Globals.Api(p);
            var request = await api.GetAsync(ApprovalPath(requestId), ApiJsonContext.Default.ApprovalResponse, ct);
            var statement = decision == "approve" ? request.ApproveStatement : request.DenyStatement;
            // Sign only a statement about the request asked for, for the decision asked for.
            if (statement is null || !statement.StartsWith($"custos-approval/v1\nrequest {requestId}\n", StringComparison.Ordinal)
                || !statement.EndsWith($"\ndecision {decision}\n", StringComparison.Ordinal))
                throw new CliException($"the server did not return a statement for {decision} of {requestId}; nothing was signed");
            var signature = key.Sign(Encoding.UTF8.GetBytes(statement));
            var body = new ApprovalEndpoints.DecideRequest(Convert.ToBase64String(signature), p.GetValue(reason));
            var after = await api.SendAsync(HttpMethod.Post, ApprovalPath(requestId) + "/" + decision, body,
                ApiJsonContext.Default.DecideRequest, ApiJsonContext.Default.ApprovalResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(after, ApiJsonContext.Default.ApprovalResponse); return 0; }
            Console.WriteLine($"{(decision == "approve" ? "Approved" : "Denied")} {after.Id} ({after.Operation} {after.KeyId ?? after.Parameters} for {after.RequesterName}).");
            Console.WriteLine($"Status:     {after.Status} ({after.Approvals} of {after.Required} approval(s))");
            if (after.GrantId is { } g) Console.WriteLine($"Grant:      {g}");
            if (after.Outcome is { } o) Console.WriteLine($"Outcome:    {o}");
            return 0;
        });
        return cmd;
    }

    /// <summary>Prints a request as text.</summary>
    public static void Print(ApprovalResponse a)
    {
        Console.WriteLine($"Request:    {a.Id}");
        Console.WriteLine($"Status:     {a.Status} ({a.Approvals} of {a.Required} approval(s){(a.Group is null ? "" : $" from group {a.Group}")})");
        Console.WriteLine($"Requester:  {a.RequesterName} ({a.Requester})");
        Console.WriteLine($"Operation:  {a.Operation}");
        Console.WriteLine($"Key:        {a.KeyId ?? "-"}");
        if (a.ContextSha256 is { } c) Console.WriteLine($"Context:    sha256 {c}");
        if (a.Parameters is { } pa) Console.WriteLine($"Parameters: {pa}");
        Console.WriteLine($"Rule:       {a.Rule} (policy version {a.PolicyVersion})");
        Console.WriteLine($"Created:    {a.CreatedAt:u}");
        Console.WriteLine($"Expires:    {a.ExpiresAt:u}");
        if (a.GrantId is { } g) Console.WriteLine($"Grant:      {g}");
        if (a.Outcome is { } o) Console.WriteLine($"Outcome:    {o}");
        foreach (var d in a.Decisions)
            Console.WriteLine($"  {d.Decision,-8} by {d.ApproverName} ({d.Approver}) at {d.At:u}{(d.Reason is { } r ? $": {r}" : "")}");
    }

    private static SigningKey LoadKey(string file)
    {
        if (!File.Exists(file)) throw new CliException($"approval key file '{file}' does not exist", 2);
        return SigningKey.FromPem(File.ReadAllText(file), out var problem) ?? throw new CliException($"{file}: {problem}", 2);
    }

    private static string ApprovalPath(string id) => "v1/approvals/" + Uri.EscapeDataString(id);

    private static string Indent(string text) => string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "  " + l + "\n"));
}
