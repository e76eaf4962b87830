using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Access;
using Custos.Core.Keys;
using Custos.Core.Residency;
using Custos.Threshold;

namespace Custos.Custodian;

/// <summary>
/// How a custodian node runs. Read from the JSON file given to <c>custos custodian serve --config FILE</c>
/// (relative paths are relative to the file's folder):
/// <code>{ "name": "trustee-at", "listen": "0.0.0.0:7443", "dataDir": "data",
///   "sealKeyFile": "seal.key", "dkgKeyFile": "dkg.key",
///   // or, instead of sealKeyFile, the root key in an HSM: "hsm": { "module": "/usr/lib/softhsm/libsofthsm2.so", "tokenLabel": "trustee-at", "pinFile": "pin" },
///   "tls": { "certFile": "custodian.pem", "keyFile": "custodian.key" }, "clientCaFile": "servers-ca.pem",
///   "location": { "country": "AT", "operator": "wien-trust", "compellableBy": ["AT"] },
///   "servers": [ { "name": "custos-fra", "subject": "CN=custos-fra", "location": { "country": "DE", "operator": "acme", "compellableBy": ["DE"] } } ],
///   "policy": { "requireJustification": true, "acceptServerJurisdictions": ["EU"],
///               "approvals": { "quorum": 2, "approvers": [ { "name": "alice", "publicKeyFile": "alice.pub" } ] },
///               "rateLimit": { "perSecond": 200, "burst": 400 } } }</code>
/// A server's jurisdiction is judged by its location here, never by anything a request claims.
/// </summary>
/// <remarks>Setters, not init: see <c>ServerOptions</c> (the JSON source generator and defaults).</remarks>
public sealed record CustodianOptions
{
    /// <summary>This custodian's name (1-64 of a-z, 0-9, '-'); the Custos servers configure it under the same name.</summary>
    public string Name { get; set; } = "";
    /// <summary>Address and port to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1:7443";
    /// <summary>Folder of its database.</summary>
    public string DataDir { get; set; } = "";
    /// <summary>The root key file made by <c>custos custodian init</c> (mode 0600; refused when group or world can read it); or <see cref="Hsm"/>.</summary>
    public string SealKeyFile { get; set; } = "";
    /// <summary>
    /// The root key in an HSM instead of a file: the server's <c>hsm</c> section (module, tokenLabel or slot, pinEnv or
    /// pinFile, moduleEnvironment, limits). The AES key <see cref="CustodianSeal.HsmKeyLabel"/> is generated in the token on
    /// first start (non-extractable) and seals every share and the audit signing key. Its location is the custodian's.
    /// </summary>
    public Custos.Server.Hosting.HsmOptions? Hsm { get; set; }
    /// <summary>The P-256 key dealt shares are encrypted to during key generation and resharing (PEM, mode 0600).</summary>
    public string DkgKeyFile { get; set; } = "";
    /// <summary>Its server certificate and key.</summary>
    public CustodianTlsOptions Tls { get; set; } = new();
    /// <summary>PEM file of the CA(s) the Custos servers' client certificates must chain to.</summary>
    public string ClientCaFile { get; set; } = "";
    /// <summary>Where it runs and who can compel its operator.</summary>
    public Location Location { get; set; } = new();
    /// <summary>The Custos servers it answers, with their declared locations.</summary>
    public List<TrustedServerOptions> Servers { get; set; } = [];
    /// <summary>Its own policy.</summary>
    public CustodianPolicyOptions Policy { get; set; } = new();

    /// <summary>The SQLite file.</summary>
    public string DatabasePath => Path.Combine(DataDir, "custodian.db");

    /// <summary>Parses <see cref="Listen"/>.</summary>
    public IPEndPoint ListenEndPoint() =>
        IPEndPoint.TryParse(Listen, out var ep) && ep.Port != 0 ? ep : throw new ArgumentException($"listen '{Listen}' is not an address:port");

    /// <summary>Null when usable, else what is wrong.</summary>
    public string? Validate()
    {
        if (!HttpThresholdCustodians.IsValidName(Name)) return $"name '{Name}' must be 1-64 characters of a-z, 0-9 and '-'";
        if (!IPEndPoint.TryParse(Listen, out var ep) || ep.Port == 0) return $"listen '{Listen}' is not an address:port";
        if (string.IsNullOrWhiteSpace(DataDir)) return "dataDir is required";
        if ((Hsm is null) == string.IsNullOrWhiteSpace(SealKeyFile))
            return "set exactly one of sealKeyFile and hsm: the custodian's root key is in a key file or in an HSM";
        if (Hsm is not null)
        {
            if (Hsm.Validate() is { } hsm) return hsm;
            if (Hsm.Location is not null) return "hsm.location: a custodian's HSM is where the custodian is (its 'location')";
            if (Hsm.PinFile is { } pin && !File.Exists(pin)) return $"hsm.pinFile '{pin}' does not exist";
        }
        foreach (var (what, file) in new[] { ("sealKeyFile", Hsm is null ? SealKeyFile : null), ("dkgKeyFile", DkgKeyFile), ("tls.certFile", Tls.CertFile), ("tls.keyFile", Tls.KeyFile), ("clientCaFile", ClientCaFile) })
        {
            if (file is null) continue;
            if (string.IsNullOrWhiteSpace(file)) return $"{what} is required";
            if (!File.Exists(file)) return $"{what} '{file}' does not exist";
        }
        if (Location.Validate("location") is { } location) return location;
        if (Servers.Count == 0) return "servers: name at least one Custos server this custodian answers";
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Servers)
        {
            if (!HttpThresholdCustodians.IsValidName(s.Name)) return $"servers: name '{s.Name}' must be 1-64 characters of a-z, 0-9 and '-'";
            if (!names.Add(s.Name)) return $"servers: '{s.Name}' appears twice";
            if (string.IsNullOrWhiteSpace(s.Subject)) return $"servers '{s.Name}': subject is required (a distinguished name such as 'CN=custos-1', or 'dns:NAME')";
            if (s.Location.Validate($"servers '{s.Name}' location") is { } where) return where;
        }
        return Policy.Validate();
    }

    /// <summary>Reads <paramref name="file"/>; relative paths become absolute. Throws <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static CustodianOptions Load(string file)
    {
        if (!File.Exists(file)) throw new ArgumentException($"configuration file '{file}' does not exist");
        CustodianOptions? options;
        try
        {
            options = JsonSerializer.Deserialize(File.ReadAllText(file), CustodianConfigJson.Default.CustodianOptions);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"configuration file '{Path.GetFileName(file)}' is not valid: {e.Message}");
        }
        if (options is null) throw new ArgumentException($"configuration file '{Path.GetFileName(file)}' is empty");
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        string Abs(string path) => path.Length == 0 ? path : Path.GetFullPath(Path.Combine(baseDir, path));
        options.DataDir = Abs(options.DataDir);
        options.SealKeyFile = Abs(options.SealKeyFile);
        if (options.Hsm is { PinFile: { } pinFile } hsm) hsm.PinFile = Abs(pinFile);
        options.DkgKeyFile = Abs(options.DkgKeyFile);
        options.Tls = new CustodianTlsOptions { CertFile = Abs(options.Tls.CertFile), KeyFile = Abs(options.Tls.KeyFile) };
        options.ClientCaFile = Abs(options.ClientCaFile);
        foreach (var approver in options.Policy.Approvals?.Approvers ?? []) approver.PublicKeyFile = Abs(approver.PublicKeyFile);
        if (options.Validate() is { } invalid) throw new ArgumentException("configuration: " + invalid);
        return options;
    }
}

/// <summary>The custodian's TLS certificate and key (PEM).</summary>
public sealed record CustodianTlsOptions
{
    /// <summary>Certificate chain.</summary>
    public string CertFile { get; set; } = "";
    /// <summary>Private key.</summary>
    public string KeyFile { get; set; } = "";
}

/// <summary>A Custos server the custodian answers.</summary>
public sealed record TrustedServerOptions
{
    /// <summary>Its name in this custodian's audit log.</summary>
    public string Name { get; set; } = "";
    /// <summary>Its client certificate's subject ("CN=custos-1, O=Example") or one SAN ("dns:custos-1.example").</summary>
    public string Subject { get; set; } = "";
    /// <summary>Where it runs, as this custodian's operator declares it.</summary>
    public Location Location { get; set; } = new();
}

/// <summary>The custodian's own policy for partial requests.</summary>
public sealed record CustodianPolicyOptions
{
    /// <summary><c>true</c> (any published code), <c>false</c>/absent, or a list of the codes accepted.</summary>
    public JsonElement? RequireJustification { get; set; }
    /// <summary>Jurisdictions (countries or blocs such as EU) a server must be entirely within: its country and everyone who can compel it.</summary>
    public List<string>? AcceptServerJurisdictions { get; set; }
    /// <summary>Signed approval statements required with each partial request.</summary>
    public ApprovalsPolicyOptions? Approvals { get; set; }
    /// <summary>Partial requests per server (absent: none).</summary>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Null when valid.</summary>
    public string? Validate()
    {
        if (RequireJustification is { } j)
        {
            if (j.ValueKind == JsonValueKind.Array)
            {
                foreach (var code in j.EnumerateArray())
                {
                    if (code.ValueKind != JsonValueKind.String || !Justification.IsPublished(code.GetString()))
                        return $"policy.requireJustification: '{code}' is not a published justification code ({Justification.CodeList})";
                }
            }
            else if (j.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                return "policy.requireJustification is true, false or a list of justification codes";
            }
        }
        foreach (var code in AcceptServerJurisdictions ?? [])
        {
            if (!Jurisdictions.IsValid(code)) return $"policy.acceptServerJurisdictions: '{code}' is not a country code or a bloc";
        }
        if (Approvals is { } a)
        {
            if (a.Quorum < 1 || a.Quorum > a.Approvers.Count) return "policy.approvals.quorum is 1 to the number of approvers";
            if (a.Approvers.Select(x => x.Name).Distinct(StringComparer.Ordinal).Count() != a.Approvers.Count) return "policy.approvals.approvers: names must be distinct";
            foreach (var approver in a.Approvers)
            {
                if (!File.Exists(approver.PublicKeyFile)) return $"policy.approvals: public key file '{approver.PublicKeyFile}' of '{approver.Name}' does not exist";
            }
        }
        if (RateLimit is { } r && (r.PerSecond < 1 || r.Burst < 1)) return "policy.rateLimit: perSecond and burst are at least 1";
        return null;
    }
}

/// <summary>Approvals a custodian requires.</summary>
public sealed record ApprovalsPolicyOptions
{
    /// <summary>Distinct known approvers whose valid statements are needed.</summary>
    public int Quorum { get; set; } = 1;
    /// <summary>The approvers it knows.</summary>
    public List<ApproverOptions> Approvers { get; set; } = [];
}

/// <summary>One approver: the name its statements are forwarded under and its public key.</summary>
public sealed record ApproverOptions
{
    /// <summary>Name (as the Custos server names the approver, e.g. "user:alice").</summary>
    public string Name { get; set; } = "";
    /// <summary>PEM public key (ECDSA P-256 or Ed25519).</summary>
    public string PublicKeyFile { get; set; } = "";
}

/// <summary>A token bucket per server.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Sustained requests per second.</summary>
    public int PerSecond { get; set; } = 100;
    /// <summary>Burst.</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>The configuration file's JSON.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CustodianOptions))]
public sealed partial class CustodianConfigJson : JsonSerializerContext;
