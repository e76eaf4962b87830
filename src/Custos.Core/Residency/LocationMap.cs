using Custos.Core.Access.Policy;
using Custos.Core.Threshold;

namespace Custos.Core.Residency;

/// <summary>
/// The locations this node knows: its own, each configured keystore's, and each configured threshold custodian's. A
/// keystore that keeps its material on the node itself (the software keystore: the root key that unwraps its material
/// exists only in the node's memory) has the node's location, and the node then counts as holding material, not only
/// serving.
/// </summary>
public sealed class LocationMap
{
    private readonly Dictionary<string, (Location? Location, bool OnNode)> _keystores;

    /// <summary>
    /// A map for node <paramref name="nodeName"/> at <paramref name="node"/> (null: none declared), with keystores by name:
    /// those in <paramref name="onNode"/> live on the node, the others at their own location (null: none declared).
    /// </summary>
    /// <remarks><paramref name="custodians"/>: the threshold custodians configured here, where they are.</remarks>
    public LocationMap(string nodeName, Location? node, IReadOnlyDictionary<string, Location?> keystores, IEnumerable<string> onNode,
        IEnumerable<CustodianInfo>? custodians = null)
    {
        NodeName = nodeName;
        Node = node;
        _keystores = new Dictionary<string, (Location?, bool)>(StringComparer.Ordinal);
        foreach (var (name, location) in keystores) _keystores[name] = (location, false);
        foreach (var name in onNode) _keystores[name] = (node, true);
        _custodians = (custodians ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, CustodianInfo> _custodians;

    /// <summary>This node's name.</summary>
    public string NodeName { get; }

    /// <summary>This node's location; null when it declares none.</summary>
    public Location? Node { get; }

    /// <summary>The node as a place serving keys.</summary>
    public Placement NodePlacement => new($"node '{NodeName}'", Node, PlacementRole.Serving);

    /// <summary>True when the keystore is configured on this node.</summary>
    public bool Knows(string keystore) => _keystores.ContainsKey(keystore);

    /// <summary>The location of a configured keystore (null when it declares none or is not configured here).</summary>
    public Location? LocationOf(string keystore) => _keystores.TryGetValue(keystore, out var k) ? k.Location : null;

    /// <summary>
    /// The places a use of <paramref name="key"/> on this node involves: each of its keystores configured here
    /// (holding material) and the node (serving; holding material too when a keystore lives on it). Keystores not
    /// configured here are left out: their material cannot be reached from this node.
    /// </summary>
    public IReadOnlyList<Placement> PlacementsFor(KeyFacts key)
    {
        var placements = new List<Placement>(2);
        bool nodeHolds = false;
        foreach (var name in key.Keystores)
        {
            if (!_keystores.TryGetValue(name, out var k)) continue;
            if (k.OnNode) nodeHolds = true;
            else placements.Add(new Placement($"keystore '{name}'", k.Location, PlacementRole.Material));
        }
        placements.Insert(0, nodeHolds
            ? new Placement($"node '{NodeName}' (holding the software keystore)", Node, PlacementRole.Material)
            : NodePlacement);
        return placements;
    }

    /// <summary>
    /// <see cref="PlacementsFor"/>, then each custodian configured here that holds a share of the key (<see cref="KeyFacts.Shares"/>), once.
    /// </summary>
    public IReadOnlyList<Placement> PlacementsWithShares(KeyFacts key)
    {
        var placements = PlacementsFor(key);
        if (key.Shares.Count == 0) return placements;
        var custodians = Custodians(key.Shares.SelectMany(s => s.Custodians).Distinct(StringComparer.Ordinal)).Select(ThresholdResidency.Placement);
        return [.. placements, .. custodians];
    }

    /// <summary>The threshold custodians configured here, by name.</summary>
    public IEnumerable<CustodianInfo> Custodians() => _custodians.Values.OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>
    /// The custodians among <paramref name="names"/> that are configured here, in that order. Custodians no longer
    /// configured are left out: this node cannot reach them, and does not know where they are.
    /// </summary>
    public IReadOnlyList<CustodianInfo> Custodians(IEnumerable<string> names) =>
        names.Select(n => _custodians.GetValueOrDefault(n)).OfType<CustodianInfo>().ToList();

    /// <summary>
    /// Every declared location and what it belongs to ("node 'n1'", "keystore 'hsm:x'", "custodian 'c1'"); a keystore
    /// on the node is the node's.
    /// </summary>
    public IEnumerable<(string Owner, Location Location)> Declared()
    {
        if (Node is not null) yield return ($"node '{NodeName}'", Node);
        foreach (var (name, k) in _keystores.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (!k.OnNode && k.Location is not null) yield return ($"keystore '{name}'", k.Location);
        }
        foreach (var c in Custodians()) yield return (ThresholdResidency.Placement(c).Name, c.Location);
    }
}
