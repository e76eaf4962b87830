using System.CommandLine;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Sys;
using Custos.Server.Hosting;

namespace Custos.Cli.Commands;

/// <summary><c>custos init | unseal | seal | status</c>.</summary>
public static class SysCommands
{
    /// <summary>Builds the commands.</summary>
    public static IEnumerable<Command> Create() => [Init(), Unseal(), SealCommand(), Status()];

    private static Command Init()
    {
        var shares = new Option<int>("--shares") { Description = "Number of shares (N), one per operator", DefaultValueFactory = _ => 5 };
        var threshold = new Option<int>("--threshold") { Description = "Shares needed to unseal (K)", DefaultValueFactory = _ => 3 };
        var shareDir = new Option<DirectoryInfo?>("--share-dir") { Description = "Write each share to its own file (share-1.txt ...) in this folder instead of printing them" };
        var sealType = new Option<string>("--seal") { Description = "shamir: the shares unseal Custos; hsm: the server's HSM wraps the root key and unseals it at start, the shares only recover it", DefaultValueFactory = _ => "shamir" };
        sealType.AcceptOnlyFromAmong("shamir", "hsm");
        var cmd = new Command("init", "Initialise a new Custos: creates the root key and hands out K-of-N unseal shares and the root token, once.") { shares, threshold, shareDir, sealType };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var result = await api.SendAsync(HttpMethod.Post, "v1/sys/init", new Init.Request(p.GetValue(shares), p.GetValue(threshold), p.GetValue(sealType)),
                ApiJsonContext.Default.InitRequest, ApiJsonContext.Default.InitResponse, ct);
            var dir = p.GetValue(shareDir);
            if (dir is not null)
            {
                dir.Create();
                for (int i = 0; i < result.Shares.Count; i++)
                    DevPki.WriteSecret(Path.Combine(dir.FullName, $"share-{i + 1}.txt"), result.Shares[i] + "\n");
            }
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(result, ApiJsonContext.Default.InitResponse); return 0; }
            Console.WriteLine($"Custos initialised. Root key: {result.RootKeyId}");
            Console.WriteLine();
            if (dir is null)
            {
                for (int i = 0; i < result.Shares.Count; i++) Console.WriteLine($"Unseal share {i + 1}: {result.Shares[i]}");
            }
            else
            {
                Console.WriteLine($"{result.Shares.Count} shares written to {dir.FullName}/share-N.txt (mode 0600): hand one to each operator.");
            }
            Console.WriteLine();
            Console.WriteLine($"Root token: {result.RootToken}");
            Console.WriteLine();
            if (result.SealType == "hsm")
            {
                Console.WriteLine("Custos is unsealed: the HSM holds the key that wraps the root key and unseals Custos at every start.");
                Console.WriteLine($"These are RECOVERY shares: {result.Threshold} of {result.Shares.Count} unseal Custos with 'custos unseal' if the HSM key is ever lost.");
            }
            else
            {
                Console.WriteLine($"Custos is sealed. {result.Threshold} of {result.Shares.Count} shares unseal it: 'custos unseal' once per share.");
            }
            Console.WriteLine("These shares and the root token are shown only now; Custos does not keep them.");
            return 0;
        });
        return cmd;
    }

    private static Command Unseal()
    {
        var share = new Argument<string?>("SHARE") { Description = "An unseal share (omit it to be prompted, or use --share-file)", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--share-file") { Description = "Read the share from a file" };
        var cmd = new Command("unseal", "Submit one unseal share; Custos unseals when the threshold is reached.") { share, file };
        cmd.OnRun(async (p, ct) =>
        {
            var value = p.GetValue(share);
            if (p.GetValue(file) is { } f)
            {
                if (!f.Exists) throw new CliException($"share file '{f.FullName}' does not exist", 2);
                value = (await File.ReadAllTextAsync(f.FullName, ct)).Trim();
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                if (Console.IsInputRedirected) value = Console.In.ReadLine();
                else
                {
                    Console.Error.Write("Unseal share (input hidden): ");
                    value = ReadHidden();
                }
            }
            if (string.IsNullOrWhiteSpace(value)) throw new CliException("no share given", 2);
            using var api = Globals.Api(p);
            var status = await api.SendAsync(HttpMethod.Post, "v1/sys/unseal", new Unseal.Request(value.Trim()),
                ApiJsonContext.Default.UnsealRequest, ApiJsonContext.Default.HealthResponse, ct);
            Print(status, p);
            return 0;
        });
        return cmd;
    }

    private static Command SealCommand()
    {
        var cmd = new Command("seal", "Seal Custos: keys are unusable until K shares unseal it again.");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            Print(await api.PostAsync("v1/sys/seal", ApiJsonContext.Default.HealthResponse, ct), p);
            return 0;
        });
        return cmd;
    }

    private static Command Status()
    {
        var cmd = new Command("status", "Show whether Custos is initialised and sealed. Exit code 2 when sealed or not initialised.");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var status = await api.GetAsync("v1/health", ApiJsonContext.Default.HealthResponse, ct, allowUnavailable: true);
            Print(status, p);
            return status.Initialized && !status.Sealed ? 0 : 2;
        });
        return cmd;
    }

    private static void Print(Health.Response s, ParseResult p)
    {
        if (p.GetValue(Globals.Json)) { Globals.PrintJson(s, ApiJsonContext.Default.HealthResponse); return; }
        Console.WriteLine($"Version:      {s.Version}{(s.DevMode ? "  (DEV MODE: not for production)" : "")}");
        Console.WriteLine($"Initialised:  {(s.Initialized ? "yes" : "no")}");
        Console.WriteLine($"Sealed:       {(s.Sealed ? "yes" : "no")}");
        if (s.Initialized)
        {
            Console.WriteLine($"Seal type:    {s.SealType}");
            Console.WriteLine($"Threshold:    {s.Threshold} of {s.Shares}");
            if (s.Sealed) Console.WriteLine($"Progress:     {s.Progress}/{s.Threshold}");
        }
    }

    private static string ReadHidden()
    {
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var k = Console.ReadKey(intercept: true);
            if (k.Key == ConsoleKey.Enter) break;
            if (k.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; continue; }
            chars.Append(k.KeyChar);
        }
        Console.Error.WriteLine();
        return chars.ToString();
    }
}
