using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Seal;
using Custos.Crypto.Sharing;
using Custos.Crypto.Signing;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Ceremonies;
using Custos.Server.Api.Rest.Sys;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos ceremony keygen | confirm | show</c>: what the operators of an init ceremony run on their own
/// machines (see <c>custos init --operator</c>). Private keys and shares in clear never leave the operator's
/// machine; only a signature over the transcript goes to the server.
/// </summary>
public static class CeremonyCommands
{
    /// <summary>Exit code when an operator's check of the ceremony fails: do not trust it.</summary>
    public const int Refused = 3;

    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var cmd = new Command("ceremony", "Key ceremonies: an operator's key, confirming an init ceremony, showing one.");
        cmd.Subcommands.Add(Keygen());
        cmd.Subcommands.Add(Confirm());
        cmd.Subcommands.Add(Show());
        return cmd;
    }

    private static Command Keygen()
    {
        var name = new Option<string>("--name") { Description = "The operator's name (letters, digits, '.', '_', '-')", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for NAME.key (private, mode 0600) and NAME.pub", Required = true };
        var cmd = new Command("keygen", "Make an operator's ECDSA P-256 key pair: NAME.key stays on this machine, NAME.pub goes to whoever runs 'custos init'.")
            { name, outDir };
        cmd.OnRun((p, _) =>
        {
            var n = p.GetValue(name)!;
            if (!OperatorKey.IsValidName(n))
                throw new CliException($"'{n}' is not a valid operator name: 1 to {OperatorKey.MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit", 2);
            var dir = p.GetValue(outDir)!;
            dir.Create();
            var keyFile = Path.Combine(dir.FullName, n + ".key");
            var pubFile = Path.Combine(dir.FullName, n + ".pub");
            foreach (var f in new[] { keyFile, pubFile })
                if (File.Exists(f)) throw new CliException($"{f} exists already: keys are never overwritten", 2);
            using var key = SigningKey.GenerateEcdsaP256();
            WriteNew(keyFile, key.ExportPrivateKeyPem(), secret: true);
            WriteNew(pubFile, key.PublicKey.ToPem(), secret: false);
            Console.WriteLine($"Operator key for {n}:");
            Console.WriteLine($"  private: {keyFile} (mode 0600: keep it on this machine, offline if you can)");
            Console.WriteLine($"  public:  {pubFile} (give it to whoever runs 'custos init --operator {n}={n}.pub')");
            Console.WriteLine($"  fingerprint: {key.PublicKey.Fingerprint}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Confirm()
    {
        var transcriptFile = new Option<FileInfo>("--transcript") { Description = "The ceremony transcript (transcript.txt from 'custos init')", Required = true };
        var shareFile = new Option<FileInfo>("--share") { Description = "Your encrypted share (NAME.share from 'custos init')", Required = true };
        var keyFile = new Option<FileInfo>("--key") { Description = "Your private key (NAME.key from 'custos ceremony keygen')", Required = true };
        var cmd = new Command("confirm",
            "As one operator: open your share with your key, check it against the transcript and the server's copy, then sign the transcript. " +
            $"Exit code {Refused} when a check fails: then do not trust the ceremony.") { transcriptFile, shareFile, keyFile };
        cmd.OnRun(async (p, ct) =>
        {
            var text = await ReadAsync(p.GetValue(transcriptFile)!, ct);
            var transcript = InitTranscript.Parse(text) ?? throw new CliException($"{p.GetValue(transcriptFile)!.Name} is not a Custos init ceremony transcript (or was changed)", 2);
            var pem = await ReadAsync(p.GetValue(keyFile)!, ct);
            using var signing = SigningKey.FromPem(pem, out var problem) ?? throw new CliException($"{p.GetValue(keyFile)!.Name}: {problem}", 2);
            using var opener = ShareDecryptionKey.FromPem(pem, out problem) ?? throw new CliException($"{p.GetValue(keyFile)!.Name}: {problem}", 2);
            var me = transcript.Operators.FirstOrDefault(o => o.KeyFingerprint == signing.PublicKey.Fingerprint)
                ?? throw new CliException($"your key ({signing.PublicKey.Fingerprint}) is not the key of any operator of {transcript.CeremonyId} " +
                    $"({string.Join(", ", transcript.Operators.Select(o => o.Name))})", 2);
            CheckShare(p.GetValue(shareFile)!, await ReadAsync(p.GetValue(shareFile)!, ct), opener, transcript, me);
            if (!p.GetValue(Globals.Json)) Console.WriteLine($"Your share opens with your key and matches the transcript (sha256 {me.ShareSha256}).");

            using var api = Globals.Api(p);
            var served = await api.GetAsync($"v1/sys/ceremony/{transcript.CeremonyId}", ApiJsonContext.Default.GetCeremonyResponse, ct);
            if (!string.Equals(served.Transcript, text, StringComparison.Ordinal))
            {
                throw new CliException($"REFUSED: the server's transcript of {transcript.CeremonyId} is not the one in {p.GetValue(transcriptFile)!.Name}. " +
                    "Do not confirm; tell the other operators.", Refused);
            }
            var result = await api.SendAsync(HttpMethod.Post, $"v1/sys/ceremony/{transcript.CeremonyId}/confirm",
                new ConfirmCeremony.Request(me.Name, signing.Sign(Encoding.UTF8.GetBytes(text))),
                ApiJsonContext.Default.ConfirmCeremonyRequest, ApiJsonContext.Default.GetCeremonyResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(result, ApiJsonContext.Default.GetCeremonyResponse); return 0; }
            Console.WriteLine($"{me.Name} confirmed ceremony {result.Id}: {result.Confirmations} of {result.Threshold} confirmations.");
            Console.WriteLine(result.Status == "complete"
                ? $"The ceremony is complete: Custos can be unsealed by {result.Threshold} operators with 'custos unseal --share-file SHARE --key KEY'."
                : $"The ceremony is pending: {result.Threshold - result.Confirmations} more operator(s) must confirm before Custos can be unsealed.");
            return 0;
        });
        return cmd;
    }

    /// <summary>Opens the operator's share and checks it against their transcript line; a mismatch is a loud refusal.</summary>
    private static void CheckShare(FileInfo file, string content, ShareDecryptionKey key, InitTranscript transcript, TranscriptOperator me)
    {
        var share = EncryptedShare.TryParse(content) ?? throw new CliException($"{file.Name} is not an encrypted share (custos-encrypted-share-v1:...)", 2);
        if (share.CeremonyId != transcript.CeremonyId)
            throw new CliException($"{file.Name} is a share of ceremony {share.CeremonyId}, the transcript is of {transcript.CeremonyId}", 2);
        if (share.Operator != me.Name) throw new CliException($"{file.Name} is {share.Operator}'s share; your key is {me.Name}'s", 2);
        using var opened = share.Decrypt(key)
            ?? throw new CliException($"REFUSED: {file.Name} does not open with your key: it was changed, or not encrypted to you. Do not confirm; tell the other operators.", Refused);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(opened.Reveal(), hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(me.ShareSha256)))
        {
            throw new CliException($"REFUSED: your share's SHA-256 is {Convert.ToHexStringLower(hash)} but the transcript says {me.ShareSha256}. " +
                "Do not confirm this ceremony; tell the other operators.", Refused);
        }
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "The ceremony id (cer_...)" };
        var cmd = new Command("show", "Show a ceremony: status, operators, signatures (each checked here against the operator's key) and the transcript.") { id };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var c = await api.GetAsync($"v1/sys/ceremony/{Uri.EscapeDataString(p.GetValue(id)!)}", ApiJsonContext.Default.GetCeremonyResponse, ct);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(c, ApiJsonContext.Default.GetCeremonyResponse); return 0; }
            var transcript = InitTranscript.Parse(c.Transcript);
            var hashOk = Convert.ToHexStringLower(InitTranscript.Hash(c.Transcript)) == c.TranscriptSha256;
            Console.WriteLine($"Ceremony:      {c.Id} ({c.Kind})");
            Console.WriteLine($"Status:        {c.Status}, {c.Confirmations} of {c.Threshold} confirmations");
            Console.WriteLine($"Started:       {c.CreatedAt:u}");
            if (c.CompletedAt is { } done) Console.WriteLine($"Completed:     {done:u}");
            Console.WriteLine($"Transcript:    sha256 {c.TranscriptSha256}{(hashOk && transcript is not null ? "" : "  (DOES NOT MATCH THE TRANSCRIPT BELOW)")}");
            Console.WriteLine("Operators:");
            bool allGood = hashOk && transcript is not null;
            foreach (var op in c.Operators)
            {
                var key = VerificationKey.FromPem(op.PublicKey, out _);
                var listed = transcript?.Operator(op.Name);
                var keyOk = key is not null && listed is not null && listed.KeyFingerprint == key.Fingerprint && op.KeyFingerprint == key.Fingerprint;
                var state = !op.Confirmed ? "not confirmed"
                    : keyOk && op.Signature is { } sig && key!.Verify(Encoding.UTF8.GetBytes(c.Transcript), sig) ? $"confirmed {op.ConfirmedAt:u}, signature verified"
                    : "SIGNATURE DOES NOT VERIFY";
                allGood &= keyOk && state != "SIGNATURE DOES NOT VERIFY";
                Console.WriteLine($"  {op.Name,-16} key {op.KeyFingerprint[..16]}…  {state}{(keyOk ? "" : "  (KEY DOES NOT MATCH THE TRANSCRIPT)")}");
            }
            Console.WriteLine();
            Console.Write(c.Transcript);
            return allGood ? 0 : Refused;
        });
        return cmd;
    }

    /// <summary>Reads <c>--operator NAME=PUBLIC-KEY-FILE</c> values, in order, checking each key file here.</summary>
    internal static List<Init.OperatorRequest> ReadOperators(string[] values)
    {
        var list = new List<Init.OperatorRequest>();
        foreach (var v in values)
        {
            int eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException($"--operator '{v}' must look like NAME=PUBLIC-KEY-FILE", 2);
            var (name, file) = (v[..eq], v[(eq + 1)..]);
            if (!OperatorKey.IsValidName(name)) throw new CliException($"operator name '{name}' is not valid: letters, digits, '.', '_' or '-'", 2);
            if (list.Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))) throw new CliException($"operator '{name}' is named twice", 2);
            if (!File.Exists(file)) throw new CliException($"operator {name}: public key file '{file}' does not exist", 2);
            var pem = File.ReadAllText(file);
            var key = VerificationKey.FromPem(pem, out var problem) ?? throw new CliException($"operator {name} ({file}): {problem}", 2);
            if (key.Algorithm != SignatureAlgorithm.EcdsaP256Sha256)
                throw new CliException($"operator {name}'s key is Ed25519: shares are encrypted with ECDH, which needs an ECDSA P-256 key (make one with 'custos ceremony keygen')", 2);
            list.Add(new Init.OperatorRequest(name, key.ToPem()));
        }
        return list;
    }

    /// <summary>The files an init ceremony writes to <paramref name="dir"/>: the transcript and one encrypted share per operator.</summary>
    internal static (string Transcript, IReadOnlyList<string> Shares) HandOutFiles(DirectoryInfo dir, IEnumerable<string> operators) =>
        (Path.Combine(dir.FullName, "transcript.txt"), [.. operators.Select(o => Path.Combine(dir.FullName, o + ".share"))]);

    /// <summary>Writes a file that must not exist yet (mode 0600 when <paramref name="secret"/>).</summary>
    internal static void WriteNew(string path, string contents, bool secret)
    {
        using var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = OperatingSystem.IsWindows() ? null
                : secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        });
        using var w = new StreamWriter(f, new UTF8Encoding(false));
        w.Write(contents);
    }

    private static async Task<string> ReadAsync(FileInfo file, CancellationToken ct) =>
        file.Exists ? await File.ReadAllTextAsync(file.FullName, ct) : throw new CliException($"{file.FullName} does not exist", 2);
}
