using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Server.Hosting;

namespace Custos.Cli.Commands;

/// <summary><c>custos serve --config FILE</c>: a production server; starts sealed.</summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "JSON configuration file", Required = true };
        var allowStranded = new Option<bool>("--allow-stranded-keys")
        {
            Description = "Start even if stored keys are out of residency policy with this configuration: they stay refused, the others work (to fix the policy or register through the API)",
        };
        var cmd = new Command("serve", "Run a Custos server from a configuration file. It starts sealed: run 'custos init' once, then 'custos unseal'.") { config, allowStranded };
        cmd.OnRun(async (p, ct) =>
        {
            var options = Load(p.GetValue(config)!) with { AllowStrandedKeys = p.GetValue(allowStranded) };
            await using var app = CustosHost.Build(options);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new CliException($"cannot listen on {options.Listen}: {e.Message}");
            }
            Console.WriteLine($"Custos {ServerInfo.Version} listening on https://{options.Listen} (data in {options.DataDir}); sealed until unsealed.");
            Console.WriteLine(options.Location is { } location ? $"Location: {location.Describe()}" : "Location: none declared (keys with residency requirements are refused here)");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// True when the file names allowStrandedKeys at its top level: the member is deliberately not read from a file (it
    /// is a decision for one start), and ignoring it silently would let an operator believe it took effect.
    /// </summary>
    private static bool NamesStrandedKeys(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.EnumerateObject().Any(p => p.Name.Equals(nameof(ServerOptions.AllowStrandedKeys), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads and checks a configuration file; relative paths are relative to its folder.</summary>
    public static ServerOptions Load(FileInfo file)
    {
        if (!file.Exists) throw new CliException($"configuration file '{file.FullName}' does not exist", 2);
        ServerOptions? options;
        try
        {
            options = JsonSerializer.Deserialize(File.ReadAllText(file.FullName), ConfigJson.Default.ServerOptions);
        }
        catch (JsonException e)
        {
            throw new CliException($"configuration file '{file.Name}' is not valid: {e.Message}", 2);
        }
        if (options is null) throw new CliException($"configuration file '{file.Name}' is empty", 2);
        if (NamesStrandedKeys(File.ReadAllText(file.FullName)))
            throw new CliException($"configuration file '{file.Name}': allowStrandedKeys is not a setting; start once with 'custos serve --allow-stranded-keys' instead", 2);
        var baseDir = file.DirectoryName!;
        string Abs(string path) => path.Length == 0 ? path : Path.GetFullPath(Path.Combine(baseDir, path));
        options = options with
        {
            DataDir = Abs(options.DataDir),
            Tls = new TlsOptions { CertFile = Abs(options.Tls.CertFile), KeyFile = Abs(options.Tls.KeyFile) },
            ClientCertificates = options.ClientCertificates is { } cc ? cc with { CaFiles = [.. (cc.CaFiles ?? []).Select(f => Abs(f ?? ""))] } : null,
            Threshold = options.Threshold is { } t
                ? t with { CaFile = Abs(t.CaFile), ClientCertFile = Abs(t.ClientCertFile), ClientKeyFile = Abs(t.ClientKeyFile) } : null,
            DevMode = false,
        };
        if (options.Validate() is { } invalid) throw new CliException($"configuration: {invalid}", 2);
        foreach (var f in new[] { options.Tls.CertFile, options.Tls.KeyFile }.Concat(options.Threshold is { } th ? ThresholdServices.Files(th) : []))
        {
            if (!File.Exists(f)) throw new CliException($"configuration: file '{f}' does not exist", 2);
        }
        return options;
    }
}

/// <summary>JSON of the configuration file.</summary>
[JsonSerializable(typeof(ServerOptions))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class ConfigJson : JsonSerializerContext;
