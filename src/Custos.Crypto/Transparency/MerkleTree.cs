using System.Numerics;
using System.Security.Cryptography;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — RFC 9162 §2.1 Merkle tree algorithms over leaf hashes (SHA-256, see <see cref="MerkleHash"/>):
/// <list type="bullet">
/// <item>§2.1.1 MTH(D[n]): k = largest power of two &lt; n; MTH = NodeHash(MTH(D[0:k]), MTH(D[k:n])).</item>
/// <item>§2.1.3.1 PATH(m, D[n]) — inclusion proof; §2.1.3.2 its verification algorithm.</item>
/// <item>§2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) — consistency proof; §2.1.4.2 its verification.</item>
/// </list>
/// Leaves are read through a <c>Func&lt;long, byte[]&gt;</c> returning the 32-byte leaf hash at an index.
/// Bounds: sizes ≤ <see cref="MaxTreeSize"/> (2^62), proofs ≤ <see cref="MaxProofLength"/> hashes.
/// Building a proof with bad arguments throws <see cref="ArgumentException"/>; verification of anything
/// malformed returns <c>false</c>.
/// Consistency edge cases (RFC 9162 defines PROOF only for 0 &lt; m &lt; n): m = n is consistent iff the proof is
/// empty and the roots are equal; m = 0 is consistent iff the proof is empty and rootM is the empty-tree root;
/// m &gt; n is never consistent.
/// </summary>
public static class MerkleTree
{
    /// <summary>Largest tree size accepted: 2^62 leaves.</summary>
    public const long MaxTreeSize = 1L << 62;

    /// <summary>Longest proof accepted, in hashes.</summary>
    public const int MaxProofLength = 64;

    /// <summary>MTH(D[0:size]), the root hash of the first <paramref name="size"/> leaves.</summary>
    public static byte[] RootHash(Func<long, byte[]> leafHashAt, long size)
    {
        ArgumentNullException.ThrowIfNull(leafHashAt);
        CheckSize(size, nameof(size));
        return size == 0 ? MerkleHash.EmptyRoot : Subtree(leafHashAt, 0, size);
    }

    /// <summary>PATH(index, D[0:size]): the inclusion proof of leaf <paramref name="index"/>, leaf side first.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(Func<long, byte[]> leafHashAt, long index, long size)
    {
        ArgumentNullException.ThrowIfNull(leafHashAt);
        CheckSize(size, nameof(size));
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index), "the leaf index must be below the tree size");
        var proof = new List<byte[]>();
        Path(leafHashAt, index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(m, D[0:n]): the consistency proof from size <paramref name="m"/> to <paramref name="n"/> (empty if m is 0 or m = n).</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(Func<long, byte[]> leafHashAt, long m, long n)
    {
        ArgumentNullException.ThrowIfNull(leafHashAt);
        CheckSize(n, nameof(n));
        if (m < 0 || m > n) throw new ArgumentOutOfRangeException(nameof(m), "the old size must be between 0 and the new size");
        var proof = new List<byte[]>();
        if (m > 0) SubProof(leafHashAt, m, 0, n, true, proof);
        return proof;
    }

    /// <summary>RFC 9162 §2.1.3.2: true iff <paramref name="proof"/> shows <paramref name="leafHash"/> at <paramref name="index"/> in the tree of <paramref name="size"/> with <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (proof is null || !ValidProof(proof) || leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size) return false;
        if (size <= 0 || size > MaxTreeSize || index < 0 || index >= size) return false;
        long fn = index, sn = size - 1;
        byte[] r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.NodeHash(p, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                r = MerkleHash.NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>RFC 9162 §2.1.4.2: true iff <paramref name="proof"/> shows the tree of size <paramref name="m"/> with <paramref name="rootM"/> is a prefix of the tree of size <paramref name="n"/> with <paramref name="rootN"/>.</summary>
    public static bool VerifyConsistency(long m, long n, ReadOnlySpan<byte> rootM, ReadOnlySpan<byte> rootN, IReadOnlyList<byte[]> proof)
    {
        if (proof is null || !ValidProof(proof) || rootM.Length != MerkleHash.Size || rootN.Length != MerkleHash.Size) return false;
        if (m < 0 || n < 0 || n > MaxTreeSize || m > n) return false;
        if (m == 0) return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(rootM, MerkleHash.EmptyRoot);
        if (m == n) return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(rootM, rootN);
        if (proof.Count == 0) return false;

        // Step 2: if m is an exact power of two, the old root is the first node of the path.
        bool prepend = BitOperations.IsPow2(m);
        int count = proof.Count + (prepend ? 1 : 0);
        if (count > MaxProofLength + 1) return false;
        ReadOnlySpan<byte> At(int i, ReadOnlySpan<byte> first, IReadOnlyList<byte[]> p, bool pre) =>
            pre ? (i == 0 ? first : p[i - 1]) : p[i];

        long fn = m - 1, sn = n - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        byte[] fr = At(0, rootM, proof, prepend).ToArray();
        byte[] sr = (byte[])fr.Clone();
        for (int i = 1; i < count; i++)
        {
            var c = At(i, rootM, proof, prepend);
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.NodeHash(c, fr);
                sr = MerkleHash.NodeHash(c, sr);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                sr = MerkleHash.NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0
            & CryptographicOperations.FixedTimeEquals(fr, rootM)
            & CryptographicOperations.FixedTimeEquals(sr, rootN);
    }

    /// <summary>Largest power of two strictly below <paramref name="n"/> (n ≥ 2).</summary>
    internal static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private static byte[] Subtree(Func<long, byte[]> leafHashAt, long start, long count)
    {
        if (count == 1)
        {
            byte[] leaf = leafHashAt(start) ?? throw new ArgumentException($"no leaf hash at index {start}", nameof(leafHashAt));
            if (leaf.Length != MerkleHash.Size) throw new ArgumentException($"leaf hash at index {start} is not {MerkleHash.Size} bytes", nameof(leafHashAt));
            return leaf;
        }
        long k = SplitPoint(count);
        return MerkleHash.NodeHash(Subtree(leafHashAt, start, k), Subtree(leafHashAt, start + k, count - k));
    }

    // PATH(m, D[start:start+count]), appended bottom-up.
    private static void Path(Func<long, byte[]> leafHashAt, long m, long start, long count, List<byte[]> proof)
    {
        if (count == 1) return;
        long k = SplitPoint(count);
        if (m < k)
        {
            Path(leafHashAt, m, start, k, proof);
            proof.Add(Subtree(leafHashAt, start + k, count - k));
        }
        else
        {
            Path(leafHashAt, m - k, start + k, count - k, proof);
            proof.Add(Subtree(leafHashAt, start, k));
        }
    }

    // SUBPROOF(m, D[start:start+count], b).
    private static void SubProof(Func<long, byte[]> leafHashAt, long m, long start, long count, bool b, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!b) proof.Add(Subtree(leafHashAt, start, count));
            return;
        }
        long k = SplitPoint(count);
        if (m <= k)
        {
            SubProof(leafHashAt, m, start, k, b, proof);
            proof.Add(Subtree(leafHashAt, start + k, count - k));
        }
        else
        {
            SubProof(leafHashAt, m - k, start + k, count - k, false, proof);
            proof.Add(Subtree(leafHashAt, start, k));
        }
    }

    private static bool ValidProof(IReadOnlyList<byte[]> proof)
    {
        if (proof.Count > MaxProofLength) return false;
        foreach (var p in proof)
            if (p is null || p.Length != MerkleHash.Size) return false;
        return true;
    }

    private static void CheckSize(long size, string name)
    {
        if (size < 0 || size > MaxTreeSize) throw new ArgumentOutOfRangeException(name, "a tree size must be between 0 and 2^62");
    }
}
