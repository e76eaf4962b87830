using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Seal;

namespace Custos.Server.Hosting;

/// <summary>
/// <c>custos dev</c>: a single-node server in a local folder, INSECURE BY DESIGN. It generates a dev
/// PKI, initialises Custos with one share, and keeps that share and the root token in the folder so that
/// it can unseal itself at every start. Anyone who can read the folder holds every key.
/// </summary>
public static class DevMode
{
    /// <summary>What dev mode keeps in its folder to unseal itself.</summary>
    public sealed record DevSecrets(string Share, string RootToken);

    /// <summary>Server options for a dev folder.</summary>
    public static ServerOptions Options(string dir, string listen)
    {
        dir = Path.GetFullPath(dir);
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var pki = DevPki.Ensure(Path.Combine(dir, "tls"), TimeProvider.System);
        return new ServerOptions
        {
            Listen = listen,
            DataDir = dir,
            Tls = new TlsOptions { CertFile = pki.ServerCert, KeyFile = pki.ServerKey },
            DevMode = true,
            MaintenanceIntervalSeconds = 10,
            // Dev mode has one operator: secret keys are made without a ceremony (production requires two approvers).
            Ceremonies = new CeremoniesOptions { SecretKeyApprovals = 0 },
        };
    }

    /// <summary>Initialises (first run) or unseals (later runs) a started dev server, and writes the env file.</summary>
    public static async Task<DevSecrets> InitializeOrUnsealAsync(WebApplication app, ServerOptions options, CancellationToken ct)
    {
        var seal = app.Services.GetRequiredService<SealManager>();
        var secretsPath = Path.Combine(options.DataDir, "dev-unseal.json");
        DevSecrets secrets;
        var status = await seal.GetStatusAsync(ct);
        if (!status.Initialized)
        {
            var init = await seal.InitializeAsync(1, 1, SealManager.DevType, ct);
            if (!init.IsSuccess) throw new InvalidOperationException(init.Error.Message);
            secrets = new DevSecrets(init.Value.Shares[0], init.Value.RootToken);
            DevPki.WriteSecret(secretsPath, JsonSerializer.Serialize(secrets, DevJson.Default.DevSecrets));
        }
        else
        {
            if (!File.Exists(secretsPath))
                throw new InvalidOperationException($"{options.DataDir} holds an initialised Custos but no dev-unseal.json: it was not made by 'custos dev'");
            secrets = JsonSerializer.Deserialize(File.ReadAllText(secretsPath), DevJson.Default.DevSecrets)
                ?? throw new InvalidOperationException("dev-unseal.json is empty");
        }
        if ((await seal.GetStatusAsync(ct)).Sealed)
        {
            var unsealed = await seal.SubmitShareAsync(secrets.Share, ct);
            if (!unsealed.IsSuccess) throw new InvalidOperationException("dev unseal failed: " + unsealed.Error.Message);
        }
        var endpoint = options.ListenEndPoint();
        var address = $"https://{(endpoint.Address.Equals(System.Net.IPAddress.Any) ? "127.0.0.1" : endpoint.Address.ToString())}:{endpoint.Port}";
        var ca = Path.Combine(options.DataDir, "tls", "ca.pem");
        DevPki.WriteSecret(Path.Combine(options.DataDir, "env"),
            "# Written by 'custos dev'. INSECURE: dev mode only.\n" +
            $"export CUSTOS_ADDR={Quote(address)}\nexport CUSTOS_TOKEN={Quote(secrets.RootToken)}\nexport CUSTOS_CACERT={Quote(ca)}\n");
        return secrets;
    }

    /// <summary>The banner printed at start.</summary>
    public static string Banner(ServerOptions options, DevSecrets secrets)
    {
        var ep = options.ListenEndPoint();
        var env = Path.Combine(options.DataDir, "env");
        return $"""

            ==================================================================================
             WARNING: Custos is running in DEV MODE. It is NOT for production.
             The unseal share and the root token are stored in plain text in
             {options.DataDir}
             Anyone who can read that folder can use every key. Secret keys are made
             without a key ceremony (production requires two approvers to sign).
            ==================================================================================

              Address:    https://{ep.Address}:{ep.Port}{(options.Hsm is { } hsm ? $"\n  HSM:        SoftHSM2 token '{hsm.TokenLabel}' (new keys: custody hsm)" : "")}
              Root token: {secrets.RootToken}
              CA cert:    {Path.Combine(options.DataDir, "tls", "ca.pem")}

              In another shell:  source {env}
                                 ./custos status

            """;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}

/// <summary>JSON for dev-mode files.</summary>
[JsonSerializable(typeof(DevMode.DevSecrets))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
internal sealed partial class DevJson : JsonSerializerContext;
