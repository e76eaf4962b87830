namespace Custos.Server.Hosting;

/// <summary>
/// The <c>rateLimits</c> section: <c>{ "perPrincipal": { "requestsPerSecond": 200, "burst": 400 },
/// "perKey": { "requestsPerSecond": 1000, "burst": 2000 } }</c>. Each part is optional and absent means no
/// limit, which is the default: Custos serves one organisation's own applications, whose batch jobs (a
/// migration rewrapping millions of blobs) a default cap would break by surprise, and an HSM is already
/// protected by its own <c>hsm.maxOperationsPerSecond</c>. Set them when several teams or tenants share a server.
/// </summary>
public sealed record RateLimitsOptions
{
    /// <summary>Per authenticated principal, over every /v1 request it makes (429 throttled when over).</summary>
    public TokenBucketOptions? PerPrincipal { get; set; }

    /// <summary>Per key, over every data-plane use by anyone (encrypt, decrypt, generate-data-key, rewrap).</summary>
    public TokenBucketOptions? PerKey { get; set; }

    /// <summary>Null when usable, else what is wrong.</summary>
    public string? Validate() =>
        PerPrincipal?.Validate("rateLimits.perPrincipal") ?? PerKey?.Validate("rateLimits.perKey");
}
