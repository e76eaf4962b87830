using System.Diagnostics.Metrics;

namespace Custos.Core.Access;

/// <summary>
/// The access instruments, on a meter named <see cref="MeterName"/>: <c>custos.ratelimit.rejected</c> counts
/// requests refused by a rate limit, tagged <c>limit</c> = <c>principal</c> or <c>key</c>. No ids in tags:
/// principals and keys would make unbounded series (the audit log names them).
/// </summary>
public sealed class AccessMetrics
{
    /// <summary>The meter name (add it to the metrics exporter).</summary>
    public const string MeterName = "Custos.Access";

    /// <summary>Tag value of the per-principal limit.</summary>
    public const string PrincipalLimit = "principal";

    /// <summary>Tag value of the per-key limit.</summary>
    public const string KeyLimit = "key";

    private readonly Counter<long> _rejected;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/> (which owns it).</summary>
    public AccessMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rejected = meter.CreateCounter<long>("custos.ratelimit.rejected", "{request}", "Requests refused because a principal or a key was over its rate limit");
    }

    /// <summary>One request refused by the <paramref name="limit"/> limit (<see cref="PrincipalLimit"/> or <see cref="KeyLimit"/>).</summary>
    public void Rejected(string limit) => _rejected.Add(1, new KeyValuePair<string, object?>("limit", limit));
}
