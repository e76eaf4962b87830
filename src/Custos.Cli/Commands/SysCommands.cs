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
        var operators = new Option<string[]>("--operator")
        {
            Description = "NAME=PUBLIC-KEY-FILE, once per share (keys from 'custos ceremony keygen'): hold the init as a ceremony; each share is encrypted to its operator and K of them must confirm before Custos can be unsealed",
        };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "With --operator: folder for transcript.txt and NAME.share, one encrypted share per operator" };
        var cmd = new Command("init", "Initialise a new Custos: creates the root key and hands out K-of-N unseal shares and the root token, once. " +
            "With --operator, as a key ceremony with dual control (see docs/operations.md).") { shares, threshold, shareDir, sealType, operators, outDir };
        cmd.OnRun(async (p, ct) =>
        {
            if (p.GetValue(operators) is { Length: > 0 } named) return await InitCeremonyAsync(p, named, p.GetValue(shares), p.GetValue(threshold), p.GetValue(sealType)!, p.GetValue(outDir), p.GetValue(shareDir), ct);
            if (p.GetValue(outDir) is not null) throw new CliException("--out is for an init ceremony (with --operator); use --share-dir to write plain shares", 2);
            using var api = Globals.Api(p);
            var result = await api.SendAsync(HttpMethod.Post, "v1/sys/init", new Init.Request(p.GetValue(shares), p.GetValue(threshold), p.GetValue(sealType)),
                ApiJsonContext.Default.InitRequest, ApiJsonContext.Default.InitResponse, ct);
            Console.Error.WriteLine("custos: WARNING: no init ceremony was held: this one command received every unseal share in clear, so one person has seen");
            Console.Error.WriteLine("custos: WARNING: enough to unseal Custos alone. Name the operators (--operator NAME=KEY.pub, one per share) to encrypt each");
            Console.Error.WriteLine("custos: WARNING: share to its operator and require K of them to confirm (docs/operations.md, 'Key ceremonies').");
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

    private static async Task<int> InitCeremonyAsync(ParseResult p, string[] named, int shares, int threshold, string sealType, DirectoryInfo? dir, DirectoryInfo? shareDir,
        CancellationToken ct)
    {
        if (shareDir is not null) throw new CliException("--share-dir writes shares in clear: with --operator, use --out", 2);
        if (dir is null) throw new CliException("--operator needs --out DIR: where to write the transcript and the encrypted shares", 2);
        var operators = CeremonyCommands.ReadOperators(named);
        if (operators.Count != shares) throw new CliException($"{operators.Count} operator(s) for --shares {shares}: name exactly one operator per share", 2);
        var (transcriptFile, shareFiles) = CeremonyCommands.HandOutFiles(dir, operators.Select(o => o.Name));
        foreach (var f in shareFiles.Prepend(transcriptFile))
            if (File.Exists(f)) throw new CliException($"{f} exists already: give an empty folder", 2);

        using var api = Globals.Api(p);
        var result = await api.SendAsync(HttpMethod.Post, "v1/sys/init", new Init.Request(shares, threshold, sealType, operators),
            ApiJsonContext.Default.InitRequest, ApiJsonContext.Default.InitResponse, ct);
        var ceremony = result.Ceremony ?? throw new CliException("the server did not hold a ceremony (is it an older Custos?)");
        dir.Create();
        CeremonyCommands.WriteNew(transcriptFile, ceremony.Transcript, secret: false);
        foreach (var share in ceremony.EncryptedShares)
        {
            // Only the files named from our own operator list: the server's answer does not pick paths.
            int i = operators.FindIndex(o => o.Name == share.Operator);
            if (i < 0) throw new CliException($"the server returned a share for '{share.Operator}', who is not one of the operators named");
            CeremonyCommands.WriteNew(shareFiles[i], share.Share + "\n", secret: true);
        }
        if (p.GetValue(Globals.Json)) { Globals.PrintJson(result, ApiJsonContext.Default.InitResponse); return 0; }
        Console.WriteLine($"Custos initialised by init ceremony {ceremony.Id}. Root key: {result.RootKeyId}");
        Console.WriteLine();
        Console.WriteLine($"Transcript: {transcriptFile}  (sha256 {ceremony.TranscriptSha256})");
        for (int i = 0; i < operators.Count; i++)
            Console.WriteLine($"Share for {operators[i].Name}: {shareFiles[i]}  (encrypted to {operators[i].Name}'s key; only {operators[i].Name} can open it)");
        Console.WriteLine();
        Console.WriteLine($"Root token: {result.RootToken}");
        Console.WriteLine("  (not in force until the ceremony completes; keep it sealed away and revoke it once named tokens exist)");
        Console.WriteLine();
        Console.WriteLine($"The ceremony is PENDING: Custos cannot be unsealed until {threshold} of {shares} operators confirm.");
        Console.WriteLine("Give each operator transcript.txt and their NAME.share; each checks their share and signs the transcript with their own key:");
        Console.WriteLine($"  custos ceremony confirm --transcript transcript.txt --share {operators[0].Name}.share --key {operators[0].Name}.key");
        Console.WriteLine($"Then {threshold} operators unseal:  custos unseal --share-file {operators[0].Name}.share --key {operators[0].Name}.key");
        return 0;
    }

    private static Command Unseal()
    {
        var share = new Argument<string?>("SHARE") { Description = "An unseal share (omit it to be prompted, or use --share-file)", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--share-file") { Description = "Read the share from a file (a plain share, or an encrypted one from an init ceremony with --key)" };
        var key = new Option<FileInfo?>("--key") { Description = "Your operator private key: opens the encrypted share in --share-file here, so the share is never shown or written in clear" };
        var cmd = new Command("unseal", "Submit one unseal share; Custos unseals when the threshold is reached.") { share, file, key };
        cmd.OnRun(async (p, ct) =>
        {
            var value = p.GetValue(share);
            if (p.GetValue(file) is { } f)
            {
                if (!f.Exists) throw new CliException($"share file '{f.FullName}' does not exist", 2);
                value = (await File.ReadAllTextAsync(f.FullName, ct)).Trim();
                if (value.StartsWith(Custos.Crypto.Sharing.EncryptedShare.TextPrefix, StringComparison.Ordinal))
                {
                    if (p.GetValue(key) is not { } keyFile) throw new CliException($"{f.Name} holds an encrypted share: add --key YOUR.key to open it", 2);
                    value = await OpenShareAsync(f, value, keyFile, ct);
                }
            }
            if (p.GetValue(key) is not null && p.GetValue(file) is null) throw new CliException("--key opens the encrypted share given with --share-file", 2);
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

    /// <summary>Opens an operator's encrypted share with their key; the share's text is what unseal submits.</summary>
    private static async Task<string> OpenShareAsync(FileInfo shareFile, string encrypted, FileInfo keyFile, CancellationToken ct)
    {
        if (!keyFile.Exists) throw new CliException($"key file '{keyFile.FullName}' does not exist", 2);
        using var key = Custos.Crypto.Sharing.ShareDecryptionKey.FromPem(await File.ReadAllTextAsync(keyFile.FullName, ct), out var problem)
            ?? throw new CliException($"{keyFile.Name}: {problem}", 2);
        var sealedShare = Custos.Crypto.Sharing.EncryptedShare.TryParse(encrypted) ?? throw new CliException($"{shareFile.Name} is not a well-formed encrypted share", 2);
        using var opened = sealedShare.Decrypt(key)
            ?? throw new CliException($"{shareFile.Name} ({sealedShare.Operator}'s share in {sealedShare.CeremonyId}) does not open with {keyFile.Name}: wrong key, or the file was changed", 2);
        return System.Text.Encoding.ASCII.GetString(opened.Reveal());
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
            if (s.PendingCeremony is { } ceremony)
                Console.WriteLine($"Ceremony:     {ceremony} is pending: no unseal until enough operators confirm ('custos ceremony show {ceremony}')");
            else if (s.Sealed) Console.WriteLine($"Progress:     {s.Progress}/{s.Threshold}");
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
