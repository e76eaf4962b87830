using System.Net;

namespace Custos.Server.Hosting;

/// <summary>
/// How a Custos server runs. Read from the JSON file given to <c>custos serve --config FILE</c>:
/// <code>{ "listen": "127.0.0.1:8200", "dataDir": "/var/lib/custos",
///   "tls": { "certFile": "server.pem", "keyFile": "server.key" },
///   "keyCacheSeconds": 5, "maintenanceIntervalSeconds": 60 }</code>
/// Relative paths are relative to the config file's folder.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>Address and port to listen on.</summary>
    public string Listen { get; init; } = "127.0.0.1:8200";
    /// <summary>This node's name in audit events (default: the host name).</summary>
    public string NodeName { get; init; } = Environment.MachineName;
    /// <summary>Folder for the database.</summary>
    public string DataDir { get; init; } = "";
    /// <summary>TLS settings; required.</summary>
    public TlsOptions Tls { get; init; } = new();
    /// <summary>How long key metadata is cached for the data plane.</summary>
    public int KeyCacheSeconds { get; init; } = 5;
    /// <summary>How often lifecycle work (rotation, destruction) runs.</summary>
    public int MaintenanceIntervalSeconds { get; init; } = 60;
    /// <summary>Record every request in the audit log (in the database, fail closed). Opt-in while the ledger is built.</summary>
    public bool AuditLog { get; init; }
    /// <summary>Dev mode: set only by <c>custos dev</c>.</summary>
    public bool DevMode { get; init; }

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
        return null;
    }
}

/// <summary>TLS certificate and key in PEM files.</summary>
public sealed record TlsOptions
{
    /// <summary>Server certificate chain (PEM).</summary>
    public string CertFile { get; init; } = "";
    /// <summary>Server private key (PEM).</summary>
    public string KeyFile { get; init; } = "";
}

/// <summary>Build information.</summary>
public static class ServerInfo
{
    /// <summary>The Custos version.</summary>
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
