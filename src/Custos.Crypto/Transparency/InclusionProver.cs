namespace Custos.Crypto.Transparency;

/// <summary>
/// Inclusion proofs (RFC 9162 §2.1.3.1 PATH) for many leaves of one tree, each in O(log n). <see cref="MerkleTree.InclusionProof"/>
/// rehashes the sibling subtrees of every proof (O(n) per proof); this hashes the tree once, level by level, and keeps the
/// levels (about 2n hashes). The levels are the RFC 9162 tree: a level's last node without a right sibling is carried up
/// unchanged, exactly as MTH splits a tree at the largest power of two below its size.
/// <code>
/// level 0      the leaf hashes, n of them
/// level k+1    NodeHash(level k [2i], level k [2i+1]), or level k [2i] itself when it is the last and has no sibling
/// proof(m)     at each level the sibling of m's ancestor when there is one, leaf side first
/// </code>
/// Misuse (no leaves, a hash that is not 32 bytes, an index outside the tree) throws <see cref="ArgumentException"/>.
/// </summary>
public sealed class InclusionProver
{
    private readonly List<byte[][]> _levels = [];

    /// <summary>Hashes the tree of the given leaf hashes (at least one; the tree size is their count).</summary>
    public InclusionProver(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (leafHashes.Count == 0) throw new ArgumentException("a tree to prove inclusion in has at least one leaf", nameof(leafHashes));
        var level = new byte[leafHashes.Count][];
        for (int i = 0; i < level.Length; i++)
        {
            level[i] = leafHashes[i] is { Length: MerkleHash.Size } h ? h : throw new ArgumentException($"leaf hash {i} is not {MerkleHash.Size} bytes", nameof(leafHashes));
        }
        _levels.Add(level);
        while (level.Length > 1)
        {
            var up = new byte[(level.Length + 1) / 2][];
            for (int i = 0; i < up.Length; i++)
                up[i] = 2 * i + 1 < level.Length ? MerkleHash.NodeHash(level[2 * i], level[2 * i + 1]) : level[2 * i];
            _levels.Add(up);
            level = up;
        }
    }

    /// <summary>The number of leaves.</summary>
    public long Size => _levels[0].Length;

    /// <summary>The root hash (a copy).</summary>
    public byte[] RootHash => (byte[])_levels[^1][0].Clone();

    /// <summary>The inclusion proof of leaf <paramref name="index"/>, leaf side first (each hash a copy).</summary>
    public IReadOnlyList<byte[]> Proof(long index)
    {
        if (index < 0 || index >= Size) throw new ArgumentOutOfRangeException(nameof(index), "the leaf index must be below the tree size");
        var proof = new List<byte[]>(_levels.Count);
        long i = index;
        for (int k = 0; k < _levels.Count - 1; k++, i >>= 1)
        {
            long sibling = i ^ 1;
            if (sibling < _levels[k].Length) proof.Add((byte[])_levels[k][sibling].Clone());
        }
        return proof;
    }
}
