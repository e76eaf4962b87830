using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Cli.Audit;
using Custos.Core.Audit;
using Custos.Crypto.Transparency;

using AuditLeaf = Custos.Cli.Audit.AuditLeaf;

namespace Custos.Cli.Tests.Audit;

/// <summary>
/// An in-memory audit log built with the real crypto, mirroring what the server is to produce: leaf data is the
/// canonical AuditEvent JSON plus "index" and "previous" (base64 leaf hash of index-1, absent for 0); checkpoints
/// are C2SP notes signed with an ECDSA P-256 log key. Each test builds its own.
/// </summary>
internal sealed class SyntheticLog : IDisposable
{
    public const string Origin = "custos.test/audit";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SyntheticLog(int events)
    {
        Signer = new EcdsaP256NoteSigner("custos-audit", _key);
        Leaves = Chain(Enumerable.Range(0, events).Select(i => Event(i)).ToList());
    }

    public EcdsaP256NoteSigner Signer { get; }
    public string VerifierKey => Signer.VerifierKey;
    public List<AuditLeaf> Leaves { get; }

    public static AuditEvent Event(int n, string operation = "data.encrypt") => new()
    {
        Time = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n),
        Node = "node-1",
        Principal = "token:tok_" + (n % 3),
        Operation = operation,
        KeyId = "key-" + (n % 5),
        KeyVersion = 1,
        Outcome = AuditOutcome.Allowed,
        RequestId = "req-" + n,
    };

    /// <summary>Leaf data as the server writes it: the event's canonical JSON with "index" and "previous" added.</summary>
    public static byte[] LeafData(long index, byte[]? previous, AuditEvent e)
    {
        var node = JsonSerializer.SerializeToNode(e, AuditJson.Default.AuditEvent)!.AsObject();
        node["index"] = index;
        if (previous is not null) node["previous"] = Convert.ToBase64String(previous);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static AuditLeaf Leaf(long index, byte[]? previous, AuditEvent e)
    {
        var data = LeafData(index, previous, e);
        return new AuditLeaf(index, data, MerkleHash.LeafHash(data));
    }

    /// <summary>Leaves for events with a correct chain, indexes from 0.</summary>
    public static List<AuditLeaf> Chain(IReadOnlyList<AuditEvent> events)
    {
        var leaves = new List<AuditLeaf>();
        byte[]? previous = null;
        foreach (var e in events)
        {
            var leaf = Leaf(leaves.Count, previous, e);
            leaves.Add(leaf);
            previous = leaf.LeafHash;
        }
        return leaves;
    }

    public static byte[] Root(IReadOnlyList<AuditLeaf> leaves, long size) => MerkleTree.RootHash(i => leaves[(int)i].LeafHash, size);

    /// <summary>A checkpoint note over the first <paramref name="size"/> of <paramref name="leaves"/>, signed by <paramref name="signer"/> (default: the log key).</summary>
    public string Note(long size, IReadOnlyList<AuditLeaf>? leaves = null, NoteSigner? signer = null) =>
        SignedNote.Sign(new Checkpoint(Origin, size, Root(leaves ?? Leaves, size)).Format(), signer ?? Signer).Format();

    public List<string> Notes(params long[] sizes) => [.. sizes.Select(s => Note(s))];

    /// <summary>The same leaves with wire indexes renumbered 0..n-1 (as if the server's rows were rewritten).</summary>
    public static List<AuditLeaf> Renumber(IEnumerable<AuditLeaf> leaves) => [.. leaves.Select((l, i) => l with { Index = i })];

    public void Dispose() => _key.Dispose();
}
