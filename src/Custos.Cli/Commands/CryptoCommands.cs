using System.CommandLine;
using System.Security.Cryptography;
using Custos.Cli.Http;
using Custos.Client;
using Custos.Crypto;
using Custos.Crypto.Envelope;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.DataPlane;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos encrypt | decrypt | data-key</c>: envelope encryption of files of any size. The data key
/// comes from the server; the file is encrypted here, in constant memory (envelope format v1). Each takes
/// <c>--justification CODE</c> and <c>--reason TEXT</c> (see <see cref="JustificationOptions"/>).
/// </summary>
public static class CryptoCommands
{
    /// <summary>Builds the commands.</summary>
    public static IEnumerable<Command> Create() => [EncryptCommand(), DecryptCommand(), DataKeyCommand()];

    private static Option<string[]> ContextOption() =>
        new("--context") { Description = "Encryption context pair key=value (repeat); decrypt needs the same pairs" };

    private static Command EncryptCommand()
    {
        var key = new Option<string>("--key") { Description = "Key id or alias/NAME", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "File to encrypt", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Encrypted file to write (e.g. FILE.cus)", Required = true };
        var context = ContextOption();
        var force = new Option<bool>("--force") { Description = "Overwrite --out if it exists" };
        var cmd = new Command("encrypt", "Envelope-encrypt a file under a key") { key, input, output, context, force };
        var justification = new JustificationOptions();
        justification.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            var ctx = Context(p.GetValue(context));
            var why = justification.Read(p);
            var inFile = p.GetValue(input)!;
            var outFile = p.GetValue(output)!;
            if (!inFile.Exists) throw new CliException($"input file '{inFile.FullName}' does not exist", 2);
            CheckOutput(outFile, p.GetValue(force));
            using var client = Globals.Connect(p).CreateSdkClient(why);
            using var encryptor = new CustosEncryptor(client);
            await using (var source = new FileStream(inFile.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous))
                await WriteAtomicallyAsync(outFile, secret: false, target => Sdk(() => encryptor.EncryptAsync(source, target, p.GetValue(key)!, ctx, ct)), ct);
            if (!p.GetValue(Globals.Json))
            {
                await using var written = File.OpenRead(outFile.FullName);
                var wrapped = (await EnvelopeHeader.ReadAsync(written, ct)).WrappedKeys[0];
                Console.Error.WriteLine($"Encrypted {inFile.Name} ({inFile.Length} bytes) under key {wrapped.KeyId} v{wrapped.KeyVersion} into {outFile.Name}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command DecryptCommand()
    {
        var input = new Option<FileInfo>("--in") { Description = "Encrypted file", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Plaintext file to write (only after the whole file verified)", Required = true };
        var context = ContextOption();
        var force = new Option<bool>("--force") { Description = "Overwrite --out if it exists" };
        var cmd = new Command("decrypt", "Decrypt a file made by 'custos encrypt'; on any failure no output file is left") { input, output, context, force };
        var justification = new JustificationOptions();
        justification.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            var ctx = Context(p.GetValue(context));
            var why = justification.Read(p);
            var inFile = p.GetValue(input)!;
            var outFile = p.GetValue(output)!;
            if (!inFile.Exists) throw new CliException($"input file '{inFile.FullName}' does not exist", 2);
            CheckOutput(outFile, p.GetValue(force));
            await using var source = new FileStream(inFile.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            using var client = Globals.Connect(p).CreateSdkClient(why);
            using var encryptor = new CustosEncryptor(client);
            await WriteAtomicallyAsync(outFile, secret: true, target => Sdk(() => encryptor.DecryptAsync(source, target, ctx, ct)), ct);
            if (!p.GetValue(Globals.Json)) Console.Error.WriteLine($"Decrypted {inFile.Name} into {outFile.Name}");
            return 0;
        });
        return cmd;
    }

    private static Command DataKeyCommand()
    {
        var key = new Option<string>("--key") { Description = "Key id or alias/NAME", Required = true };
        var context = ContextOption();
        var bytes = new Option<int>("--bytes") { Description = "Data key size in bytes", DefaultValueFactory = _ => 32 };
        var cmd = new Command("data-key", "Generate a data key: prints the plaintext and the wrapped blob (base64 JSON)") { key, context, bytes };
        var justification = new JustificationOptions();
        justification.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            var ctx = Context(p.GetValue(context));
            var why = justification.Read(p);
            using var api = Globals.Api(p);
            api.Justify(why);
            var body = new GenerateDataKey.Request(ctx.Count == 0 ? null : ctx.ToDictionary(), p.GetValue(bytes));
            var dk = await api.SendAsync(HttpMethod.Post, KeysCommands.KeyPath(p.GetValue(key)!) + "/generate-data-key", body,
                ApiJsonContext.Default.GenerateDataKeyRequest, ApiJsonContext.Default.GenerateDataKeyResponse, ct);
            try
            {
                Globals.PrintJson(dk, ApiJsonContext.Default.GenerateDataKeyResponse);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dk.Plaintext);
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Runs an SDK call, turning its failures into the CLI's: refusals keep their status and code, every decryption failure is the one message.</summary>
    private static async Task Sdk(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (InvalidCiphertextException)
        {
            throw new CliException(InvalidCiphertextException.FixedMessage);
        }
        catch (CustosException e) when (e.IsUnavailable)
        {
            throw new CliException(e.Message);
        }
        catch (CustosException e)
        {
            throw new ApiException(e.Status, e.Code, e.Message);
        }
    }

    /// <summary>Writes to a temporary file beside the target and renames it only when <paramref name="write"/> succeeded.</summary>
    private static async Task WriteAtomicallyAsync(FileInfo target, bool secret, Func<Stream, Task> write, CancellationToken ct)
    {
        var dir = target.DirectoryName ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{target.Name}.partial-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16, Options = FileOptions.Asynchronous,
            UnixCreateMode = OperatingSystem.IsWindows() ? null : secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        bool done = false;
        try
        {
            await using (var stream = new FileStream(temp, options))
            {
                await write(stream);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target.FullName, overwrite: true);
            done = true;
        }
        finally
        {
            if (!done) TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void CheckOutput(FileInfo output, bool force)
    {
        if (output.Exists && !force) throw new CliException($"output file '{output.FullName}' exists; use --force to overwrite it", 2);
    }

    private static EncryptionContext Context(string[]? pairs)
    {
        try { return EncryptionContext.From(Globals.Pairs(pairs, "context")); }
        catch (ArgumentException e) { throw new CliException(e.Message, 2); }
    }
}
