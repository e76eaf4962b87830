using Custos.Core.Residency;

namespace Custos.Core.Threshold;

/// <summary>
/// The server's <c>threshold</c> configuration section: the custodians it may use for keys of custody
/// <c>threshold</c>, and how it reaches them (mutual TLS).
/// <code>"threshold": {
///   "caFile": "custodians-ca.pem", "clientCertFile": "custos-client.pem", "clientKeyFile": "custos-client.key",
///   "deadlineMilliseconds": 2000,
///   "custodians": [ { "name": "trustee-at", "address": "https://10.0.0.7:7443",
///                     "location": { "country": "AT", "operator": "wien-trust", "compellableBy": ["AT"] } } ] }</code>
/// Relative paths are relative to the configuration file's folder.
/// </summary>
/// <remarks>Settable members: see <c>ServerOptions</c> (the JSON source generator and init-only defaults).</remarks>
public sealed record ThresholdOptions
{
    /// <summary>The custodians, each with a unique name.</summary>
    public List<CustodianEndpointOptions> Custodians { get; set; } = [];
    /// <summary>PEM file of the CA certificates that custodians' server certificates must chain to (required).</summary>
    public string CaFile { get; set; } = "";
    /// <summary>This server's client certificate (PEM) presented to custodians (required).</summary>
    public string ClientCertFile { get; set; } = "";
    /// <summary>Its private key (PEM).</summary>
    public string ClientKeyFile { get; set; } = "";
    /// <summary>How long an unwrap waits for partials before it gives up on the custodians that have not answered.</summary>
    public int DeadlineMilliseconds { get; set; } = 2000;
}

/// <summary>One custodian in <see cref="ThresholdOptions"/>.</summary>
public sealed record CustodianEndpointOptions
{
    /// <summary>Unique name (1-64 characters of a-z, 0-9 and '-'); recorded with each key version's shares.</summary>
    public string Name { get; set; } = "";
    /// <summary>Its base address, <c>https://host:port</c>.</summary>
    public string Address { get; set; } = "";
    /// <summary>The name its server certificate must carry (default: the address's host).</summary>
    public string? ServerName { get; set; }
    /// <summary>Where it runs and who can compel its operator.</summary>
    public Location Location { get; set; } = new();
}
