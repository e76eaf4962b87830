using Custos.Core.Access;

namespace Custos.Server.Hosting;

/// <summary>One rate limit in the configuration: <c>{ "requestsPerSecond": 200, "burst": 400 }</c> (see <see cref="RateLimit"/>).</summary>
public sealed record TokenBucketOptions
{
    /// <summary>Average requests per second (1 to 1,000,000); required.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>Most requests at once after a quiet spell; at least <see cref="RequestsPerSecond"/>, which is also the default.</summary>
    public int? Burst { get; set; }

    /// <summary>Null when usable, else what is wrong, naming the setting as <paramref name="name"/>.</summary>
    public string? Validate(string name) => RateLimit.Check(RequestsPerSecond, Burst, name);

    /// <summary>The checked rate (call <see cref="Validate"/> first).</summary>
    public RateLimit ToRateLimit() =>
        new(RequestsPerSecond ?? throw new InvalidOperationException("requestsPerSecond is required"), Burst ?? RequestsPerSecond.Value);
}
