using System.Net;

namespace Custos.Server.Hosting;

/// <summary>
/// How a Custos server runs. Read from the JSON file given to <c>custos serve --config FILE</c>:
/// <code>{ "listen": "127.0.0.1:8200", "dataDir": "/var/lib/custos",
///   "tls": { "certFile": "server.pem", "keyFile": "server.key" },
///   "keyCacheSeconds": 5, "maintenanceIntervalSeconds": 60 }</code>
/// Relative paths are relative to the config file's folder.
/// </summary>
/// <remarks>
/// Properties have setters, not <c>init</c>: the System.Text.Json source generator assigns every
/// init-only property when it builds the object, so a member missing from the configuration file would
/// get <c>default</c> (false, 0, null) instead of the default written here.
/// </remarks>
public sealed record ServerOptions
{
    /// <summary>Address and port to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1:8200";
    /// <summary>This node's name in audit events (default: the host name).</summary>
    public string NodeName { get; set; } = Environment.MachineName;
    /// <summary>Folder for the database.</summary>
    public string DataDir { get; set; } = "";
    /// <summary>TLS settings; required.</summary>
    public TlsOptions Tls { get; set; } = new();
    /// <summary>Mutual TLS: the CAs whose client certificates are accepted and the principals they map to (null: no client certificates).</summary>
    public ClientCertificateOptions? ClientCertificates { get; set; }
    /// <summary>How long key metadata is cached for the data plane.</summary>
    public int KeyCacheSeconds { get; set; } = 5;
    /// <summary>How often lifecycle work (rotation, destruction) runs.</summary>
    public int MaintenanceIntervalSeconds { get; set; } = 60;
    /// <summary>Record every request in the tamper-evident audit log (in the database, fail closed). On by default; turning it off is logged loudly.</summary>
    public bool AuditLog { get; set; } = true;
    /// <summary>Dev mode: set only by <c>custos dev</c>.</summary>
    public bool DevMode { get; set; }

    /// <summary>A PKCS#11 HSM: keys of custody "hsm" live there; it can also hold the root of trust and the audit signing key.</summary>
    public HsmOptions? Hsm { get; set; }

    /// <summary>Quorum approvals: how long a request waits for its approvals.</summary>
    public ApprovalsOptions Approvals { get; set; } = new();

    /// <summary>Key ceremonies: how many approvers must sign the making of a secret key.</summary>
    public CeremoniesOptions Ceremonies { get; set; } = new();

    /// <summary>Custody of new keys when a request does not name one: "software" (default) or "hsm".</summary>
    public string DefaultCustody { get; set; } = "software";

    /// <summary>Rate limits per principal and per key (absent: none; see <see cref="RateLimitsOptions"/> for why).</summary>
    public RateLimitsOptions? RateLimits { get; set; }

    /// <summary>
    /// Where this node runs and who operates it (see docs/residency.md). The software keystore has this location too:
    /// its material is usable only where the root key is, in this node's memory. Absent: no key with residency
    /// requirements can be created or used here.
    /// </summary>
    public Core.Residency.Location? Location { get; set; }

    /// <summary>Threshold custody: the custodians this server may split keys across, and how it reaches them; null: none.</summary>
    public Core.Threshold.ThresholdOptions? Threshold { get; set; }

    /// <summary>
    /// Start even when stored keys are out of residency policy with this configuration (<c>custos serve
    /// --allow-stranded-keys</c>): they stay refused, the other keys work, and each is logged and audited. Never read
    /// from the configuration file: it is a decision for one start, not a setting.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AllowStrandedKeys { get; set; }

    /// <summary>The SQLite file.</summary>
    public string DatabasePath => Path.Combine(DataDir, "custos.db");

    /// <summary>Parses <see cref="Listen"/>.</summary>
    public IPEndPoint ListenEndPoint() =>
        IPEndPoint.TryParse(Listen, out var ep) && ep.Port != 0 ? ep
            : throw new ArgumentException($"listen '{Listen}' is not an address:port such as 127.0.0.1:8200");

    /// <summary>Checks what must hold before starting; null when fine.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir)) return "dataDir is required";
        if (string.IsNullOrWhiteSpace(Tls.CertFile) || string.IsNullOrWhiteSpace(Tls.KeyFile))
            return "tls.certFile and tls.keyFile are required: Custos serves HTTPS only";
        if (!IPEndPoint.TryParse(Listen, out var ep) || ep.Port == 0) return $"listen '{Listen}' is not an address:port";
        if (KeyCacheSeconds is < 0 or > 300) return "keyCacheSeconds is 0 to 300";
        if (MaintenanceIntervalSeconds is < 1 or > 86400) return "maintenanceIntervalSeconds is 1 to 86400";
        if (DefaultCustody is not ("software" or "hsm")) return $"defaultCustody '{DefaultCustody}' is not one of: software, hsm";
        if (DefaultCustody == "hsm" && Hsm is null) return "defaultCustody is 'hsm' but there is no 'hsm' section";
        if (ClientCertificates?.Validate() is { } clientCertificates) return clientCertificates;
        if (Approvals.RequestTtlMinutes is < 5 or > 10080) return "approvals.requestTtlMinutes is 5 to 10080 (a week)";
        if (Ceremonies.SecretKeyApprovals is < 0 or > 10) return "ceremonies.secretKeyApprovals is 0 (off) to 10";
        if (Ceremonies.SecretKeyApprovals == 0 && !DevMode) return "ceremonies.secretKeyApprovals is 0: secret keys would be made without a ceremony; only dev mode may turn it off";
        if (Ceremonies.ApproverGroup is { } group && Core.Access.Roles.NormalizeGroups([group]) is { IsSuccess: false } badGroup) return "ceremonies.approverGroup: " + badGroup.Error.Message;
        if (Location?.Validate("location") is { } location) return location;
        if (Threshold is not null && ThresholdServices.Validate(Threshold) is { } threshold) return threshold;
        return Hsm?.Validate() ?? RateLimits?.Validate();
    }
}

/// <summary>The <c>hsm</c> section: which PKCS#11 token, how to log in, and how hard Custos may drive it.</summary>
public sealed record HsmOptions
{
    /// <summary>Path of the PKCS#11 module library (SoftHSM2: <c>/usr/lib/softhsm/libsofthsm2.so</c>).</summary>
    public string Module { get; set; } = "";
    /// <summary>The token's label (preferred) ...</summary>
    public string? TokenLabel { get; set; }
    /// <summary>... or its slot id.</summary>
    public ulong? Slot { get; set; }
    /// <summary>Environment variable holding the user PIN ...</summary>
    public string? PinEnv { get; set; }
    /// <summary>... or a file holding it (readable only by Custos). The PIN is never in the configuration itself.</summary>
    public string? PinFile { get; set; }
    /// <summary>Environment variables the module reads (for example <c>SOFTHSM2_CONF</c>, <c>ChrystokiConfigurationPath</c>), set before it loads.</summary>
    public IReadOnlyDictionary<string, string>? ModuleEnvironment { get; set; }
    /// <summary>At most this many HSM operations per second (null: no limit).</summary>
    public int? MaxOperationsPerSecond { get; set; }
    /// <summary>At most this many HSM operations at once (null: the session pool size).</summary>
    public int? MaxInFlight { get; set; }
    /// <summary>How long a request may wait for the HSM before it is answered 429.</summary>
    public int QueueTimeoutMilliseconds { get; set; } = 1000;
    /// <summary>Sessions kept open (null: 8, or fewer if the token allows fewer).</summary>
    public int? SessionPoolSize { get; set; }
    /// <summary>Keep the audit signing key (ECDSA P-256) in the HSM (default true). A log keeps the key it started with.</summary>
    public bool AuditSigningKey { get; set; } = true;
    /// <summary>Where the HSM is and who operates it (see docs/residency.md); absent: keys with residency requirements cannot live in it.</summary>
    public Core.Residency.Location? Location { get; set; }

    /// <summary>Null when usable, else what is wrong.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Module)) return "hsm.module (the PKCS#11 library path) is required";
        if ((TokenLabel is null) == (Slot is null)) return "hsm: set exactly one of tokenLabel and slot";
        if ((PinEnv is null) == (PinFile is null)) return "hsm: set exactly one of pinEnv and pinFile (the PIN itself never goes in the configuration)";
        if (MaxOperationsPerSecond is < 1) return "hsm.maxOperationsPerSecond is at least 1";
        if (MaxInFlight is < 1) return "hsm.maxInFlight is at least 1";
        if (SessionPoolSize is < 1 or > 1024) return "hsm.sessionPoolSize is 1 to 1024";
        if (QueueTimeoutMilliseconds is < 0 or > 60_000) return "hsm.queueTimeoutMilliseconds is 0 to 60000";
        return Location?.Validate("hsm.location");
    }
}

/// <summary>The <c>approvals</c> section.</summary>
public sealed record ApprovalsOptions
{
    /// <summary>How long an approval request stays open for approvals, in minutes (default 1440: 24 hours).</summary>
    public int RequestTtlMinutes { get; set; } = 1440;
}

/// <summary>
/// The <c>ceremonies</c> section: creating a secret key (or raising a key to secret) needs this many approvers,
/// in <see cref="ApproverGroup"/> when set, to sign the exact request; a policy may ask for more, never fewer.
/// </summary>
public sealed record CeremoniesOptions
{
    /// <summary>Approvers who must sign (default 2; 0 is allowed only in dev mode).</summary>
    public int SecretKeyApprovals { get; set; } = 2;
    /// <summary>The group the approvers must belong to (default: any approver).</summary>
    public string? ApproverGroup { get; set; }
}

/// <summary>TLS certificate and key in PEM files.</summary>
public sealed record TlsOptions
{
    /// <summary>Server certificate chain (PEM).</summary>
    public string CertFile { get; set; } = "";
    /// <summary>Server private key (PEM).</summary>
    public string KeyFile { get; set; } = "";
}

/// <summary>Build information.</summary>
public static class ServerInfo
{
    /// <summary>The Custos version.</summary>
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
