using System.Net;

namespace Custos.Core.Access;

/// <summary>Per-principal source-network allowlists: CIDR networks a credential may be used from.</summary>
public static class NetworkAllowlist
{
    /// <summary>Most networks on one allowlist.</summary>
    public const int MaxNetworks = 32;

    /// <summary>
    /// The allowlist in canonical form ("10.0.0.0/8", host bits cleared), or an error naming the first entry
    /// that is not a CIDR network. Null or empty input means no restriction.
    /// </summary>
    public static Errors.Result<IReadOnlyList<string>?> Normalize(IEnumerable<string>? networks)
    {
        var list = networks?.ToList();
        if (list is null || list.Count == 0) return Errors.Result<IReadOnlyList<string>?>.Ok(null);
        if (list.Count > MaxNetworks) return Errors.CustosError.Invalid($"at most {MaxNetworks} allowed networks");
        var result = new List<string>();
        foreach (var n in list)
        {
            var text = n.Trim();
            if (!IPNetwork.TryParse(text, out var network) && !TryHost(text, out network))
                return Errors.CustosError.Invalid($"allowed network '{n}' is not an address or a CIDR network such as 10.0.0.0/8 or 2001:db8::/32");
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPAddress.TryParse(text[..slash], out var given) && !given.Equals(network.BaseAddress))
                return Errors.CustosError.Invalid($"allowed network '{n}' has host bits set; did you mean {network}?");
            var canonical = network.ToString();
            if (!result.Contains(canonical)) result.Add(canonical);
        }
        return Errors.Result<IReadOnlyList<string>?>.Ok(result);
    }

    /// <summary>True when <paramref name="networks"/> is empty or holds <paramref name="client"/>; an unknown client address is refused.</summary>
    public static bool Allows(IReadOnlyList<string>? networks, IPAddress? client)
    {
        if (networks is null || networks.Count == 0) return true;
        if (client is null) return false;
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        foreach (var n in networks)
        {
            if (IPNetwork.TryParse(n, out var network) && network.Contains(client)) return true;
        }
        return false;
    }

    private static bool TryHost(string text, out IPNetwork network)
    {
        network = default;
        if (!IPAddress.TryParse(text, out var address)) return false;
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
