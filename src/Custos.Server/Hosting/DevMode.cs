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

    /// <summary>The provider id of dev mode's placeholder register entry.</summary>
    public const string DevProviderId = "self-hosted-dev";

    /// <summary>The country a dev server says it is in unless told otherwise (<c>custos dev --country</c>).</summary>
    public const string DefaultCountry = "DE";

    /// <summary>
    /// Dev mode's placeholder register entry for the machine it runs on: headquartered in <paramref name="country"/>,
    /// no contracts and no certifications, marked <c>dev</c>. It records nothing real.
    /// </summary>
    public static Core.Residency.Provider DevProvider(string id, string country) => Placeholder(id, "Self-hosted", country);

    /// <summary>
    /// Dev mode's placeholder register entry for the operator of a threshold custodian configured on a dev server:
    /// headquartered in the custodian's <paramref name="country"/>, no contracts and no certifications, marked <c>dev</c>.
    /// </summary>
    public static Core.Residency.Provider DevCustodianProvider(string id, string country) => Placeholder(id, "Custodian operator", country);

    private static Core.Residency.Provider Placeholder(string id, string what, string country) => new()
    {
        Id = id,
        LegalName = $"{what} (dev mode placeholder, not a real provider)",
        HeadquartersCountry = country,
        Dev = true,
        Notes = "Made by 'custos dev'. It records no contract or certification; replace it before relying on residency evidence.",
    };

    /// <summary>Server options for a dev folder; the node (and its software keystore) is in <paramref name="country"/>, operated by <see cref="DevProviderId"/>.</summary>
    public static ServerOptions Options(string dir, string listen, string country = DefaultCountry)
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
            Location = DevLocation(country),
        };
    }

    /// <summary>The dev location: <paramref name="country"/>, region "dev machine", operator <see cref="DevProviderId"/>.</summary>
    public static Core.Residency.Location DevLocation(string country) => new() { Country = country, Region = "dev machine", Operator = DevProviderId };

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
              Location:   {options.Location?.Describe() ?? "none"} (dev placeholder in the legal register)
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
