using System.Numerics;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — the incremental "frontier" (compact range [0, size)) of an RFC 9162 §2.1.1 Merkle tree:
/// the roots of the perfect subtrees that the binary decomposition of <see cref="Size"/> splits the
/// leaves into, largest (leftmost) first — exactly popcount(size) hashes, at most 62. Appending merges
/// equal-height subtrees like a binary counter; the tree root folds them right to left with
/// <see cref="MerkleHash.NodeHash"/>, which equals MTH because MTH splits at the largest power of two.
/// Not thread-safe. Misuse (a bad leaf hash, a full tree, an inconsistent restore) throws.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _hashes = [];

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Copies of the frontier hashes, leftmost (tallest) subtree first; persist these with <see cref="Size"/>.</summary>
    public IReadOnlyList<byte[]> Hashes => [.. _hashes.Select(h => (byte[])h.Clone())];

    /// <summary>An empty range (size 0).</summary>
    public CompactRange() { }

    /// <summary>Restores a range persisted as <see cref="Size"/> and <see cref="Hashes"/>; throws if the count does not match popcount(size).</summary>
    public CompactRange(long size, IReadOnlyList<byte[]> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (size < 0 || size > MerkleTree.MaxTreeSize) throw new ArgumentOutOfRangeException(nameof(size));
        if (hashes.Count != BitOperations.PopCount((ulong)size))
            throw new ArgumentException("a compact range of this size holds exactly popcount(size) hashes", nameof(hashes));
        foreach (var h in hashes)
        {
            if (h is null || h.Length != MerkleHash.Size) throw new ArgumentException($"each hash must be {MerkleHash.Size} bytes", nameof(hashes));
            _hashes.Add((byte[])h.Clone());
        }
        Size = size;
    }

    /// <summary>Appends one leaf by its leaf hash (<see cref="MerkleHash.LeafHash"/> of the leaf data).</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size) throw new ArgumentException($"a leaf hash must be {MerkleHash.Size} bytes", nameof(leafHash));
        if (Size >= MerkleTree.MaxTreeSize) throw new InvalidOperationException("the tree is full");
        byte[] carry = leafHash.ToArray();
        // Each trailing 1 bit of Size is a subtree of the same height as carry: merge it in.
        for (long s = Size; (s & 1) == 1; s >>= 1)
        {
            carry = MerkleHash.NodeHash(_hashes[^1], carry);
            _hashes.RemoveAt(_hashes.Count - 1);
        }
        _hashes.Add(carry);
        Size++;
    }

    /// <summary>MTH of the leaves appended so far (the empty-tree root for size 0).</summary>
    public byte[] RootHash()
    {
        if (_hashes.Count == 0) return MerkleHash.EmptyRoot;
        byte[] root = _hashes[^1];
        for (int i = _hashes.Count - 2; i >= 0; i--) root = MerkleHash.NodeHash(_hashes[i], root);
        return (byte[])root.Clone();
    }
}
