using System.Security.Cryptography;
using Custos.Crypto.Transparency;

namespace Custos.Crypto.Tests.Transparency;

/// <summary>
/// Known answers from transparency-dev/merkle (Apache-2.0): testonly/constants.go (leaf inputs, roots for sizes 0..8)
/// and proof/verify_test.go (inclusion proofs, 1-based leaf numbers there, and consistency proofs) — the classic
/// RFC 6962 test data of google/certificate-transparency. Plus an independent literal RFC 9162 model for sizes 1..64.
/// </summary>
public class MerkleTreeTests
{
    private static readonly byte[][] Leaves = [.. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f" }.Select(Convert.FromHexString)];
    private static readonly string[] Roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    // (0-based index, size, proof) from verify_test.go inclusionProofs (leaf numbers there are 1-based).
    public static TheoryData<int, int, string[]> InclusionVectors => new()
    {
        { 0, 1, [] },
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    public static TheoryData<int, int, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    private static byte[] LeafHashAt(long i) => MerkleHash.LeafHash(Leaves[i]);
    private static byte[] Root(int size) => Convert.FromHexString(Roots[size]);
    private static byte[][] Hex(string[] h) => [.. h.Select(Convert.FromHexString)];

    [Fact]
    public void EmptyRoot_is_sha256_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyRoot));

    [Fact]
    public void RootHash_matches_published_roots_for_sizes_0_to_8()
    {
        for (int size = 0; size <= 8; size++)
            Assert.Equal(Roots[size], Convert.ToHexStringLower(MerkleTree.RootHash(LeafHashAt, size)));
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void InclusionProof_matches_published_and_verifies(int index, int size, string[] expected)
    {
        var proof = MerkleTree.InclusionProof(LeafHashAt, index, size);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleTree.VerifyInclusion(LeafHashAt(index), index, size, Hex(expected), Root(size)));
        AssertInclusionCorruptionsFail(LeafHashAt(index), index, size, Hex(expected), Root(size));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void ConsistencyProof_matches_published_and_verifies(int m, int n, string[] expected)
    {
        var proof = MerkleTree.ConsistencyProof(LeafHashAt, m, n);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleTree.VerifyConsistency(m, n, Root(m), Root(n), Hex(expected)));
        if (expected.Length > 0) AssertConsistencyCorruptionsFail(m, n, Root(m), Root(n), Hex(expected));
    }

    [Fact]
    public void Matches_independent_rfc9162_model_for_all_sizes_1_to_64()
    {
        byte[][] leaves = [.. Enumerable.Range(0, 64).Select(i => MerkleHash.LeafHash([(byte)i, (byte)(i * 7)]))];
        byte[] At(long i) => leaves[i];
        for (int n = 1; n <= 64; n++)
        {
            var d = leaves[..n];
            byte[] root = Model.Mth(d);
            Assert.Equal(root, MerkleTree.RootHash(At, n));
            for (int m = 0; m < n; m++)
            {
                var path = MerkleTree.InclusionProof(At, m, n);
                Assert.Equal(Model.Path(m, d), path);
                Assert.True(MerkleTree.VerifyInclusion(leaves[m], m, n, path, root));
                AssertInclusionCorruptionsFail(leaves[m], m, n, path, root);
            }
            for (int m = 1; m <= n; m++)
            {
                var proof = MerkleTree.ConsistencyProof(At, m, n);
                Assert.Equal(m == n ? [] : Model.Proof(m, d), proof);
                byte[] rootM = Model.Mth(leaves[..m]);
                Assert.True(MerkleTree.VerifyConsistency(m, n, rootM, root, proof));
                if (m < n) AssertConsistencyCorruptionsFail(m, n, rootM, root, proof);
            }
        }
    }

    [Fact]
    public void Consistency_edge_cases()
    {
        byte[] empty = MerkleHash.EmptyRoot, r1 = Root(1), r2 = Root(2);
        Assert.True(MerkleTree.VerifyConsistency(0, 0, empty, empty, []));
        Assert.True(MerkleTree.VerifyConsistency(0, 5, empty, Root(5), []));
        Assert.False(MerkleTree.VerifyConsistency(0, 5, r1, Root(5), []));            // m = 0 needs the empty root
        Assert.False(MerkleTree.VerifyConsistency(0, 1, empty, r1, [empty]));          // and an empty proof
        Assert.True(MerkleTree.VerifyConsistency(1, 1, r1, r1, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 1, r1, r2, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 1, r1, r1, [r1]));
        Assert.False(MerkleTree.VerifyConsistency(2, 1, r2, r1, []));                  // m > n
        Assert.False(MerkleTree.VerifyConsistency(1, 2, r1, r2, []));                  // empty proof for m < n
        Assert.False(MerkleTree.VerifyConsistency(-1, 2, r1, r2, []));
        Assert.False(MerkleTree.VerifyConsistency(1, MerkleTree.MaxTreeSize + 1, r1, r2, [r1]));
        Assert.False(MerkleTree.VerifyConsistency(1, 8, r1, Root(8), [.. Enumerable.Repeat(r1, 65)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(LeafHashAt, 3, 2));
    }

    [Fact]
    public void Inclusion_edge_cases()
    {
        byte[] leaf = LeafHashAt(0);
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 0, [], MerkleHash.EmptyRoot));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 1, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, -1, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion([], 0, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 1, [], []));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, MerkleTree.MaxTreeSize + 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 2, [null!], leaf));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(LeafHashAt, 8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.RootHash(LeafHashAt, -1));
        Assert.Throws<ArgumentException>(() => MerkleHash.NodeHash(new byte[31], new byte[32]));
    }

    [Fact]
    public void CompactRange_root_equals_RootHash_for_every_size_0_to_300()
    {
        byte[][] leaves = [.. Enumerable.Range(0, 300).Select(i => MerkleHash.LeafHash(BitConverter.GetBytes(i)))];
        var range = new CompactRange();
        Assert.Equal(MerkleHash.EmptyRoot, range.RootHash());
        for (int n = 1; n <= 300; n++)
        {
            range.Append(leaves[n - 1]);
            Assert.Equal(n, range.Size);
            Assert.Equal(System.Numerics.BitOperations.PopCount((uint)n), range.Hashes.Count);
            Assert.Equal(Model.Mth(leaves[..n]), range.RootHash());
        }
        var restored = new CompactRange(range.Size, range.Hashes);
        Assert.Equal(range.RootHash(), restored.RootHash());
        Assert.Throws<ArgumentException>(() => new CompactRange(3, [leaves[0]]));
        Assert.Throws<ArgumentException>(() => range.Append(new byte[31]));
    }

    [Fact]
    public void CompactRange_matches_published_roots()
    {
        var range = new CompactRange();
        for (int n = 1; n <= 8; n++)
        {
            range.Append(LeafHashAt(n - 1));
            Assert.Equal(Roots[n], Convert.ToHexStringLower(range.RootHash()));
        }
    }

    private static void AssertInclusionCorruptionsFail(byte[] leaf, long index, long size, IReadOnlyList<byte[]> proof, byte[] root)
    {
        foreach (var bad in BitFlips(proof)) Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, bad, root));
        if (proof.Count > 0) Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof.Take(proof.Count - 1).ToList(), root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, [.. proof, root], root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, [root, .. proof], root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index + 1, size, proof, root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index - 1, size, proof, root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index, size * 2, proof, root));
        if (size > 1 && index < size / 2 && proof.Count > 0) Assert.False(MerkleTree.VerifyInclusion(leaf, index, size / 2, proof, root));
        Assert.False(MerkleTree.VerifyInclusion(Flip(leaf, 0), index, size, proof, root));
        Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, Flip(root, 255)));
    }

    private static void AssertConsistencyCorruptionsFail(long m, long n, byte[] rootM, byte[] rootN, IReadOnlyList<byte[]> proof)
    {
        foreach (var bad in BitFlips(proof)) Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, rootN, bad));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, rootN, proof.Take(proof.Count - 1).ToList()));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, rootN, [.. proof, rootN]));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, rootN, [rootM, .. proof]));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, rootN, []));
        Assert.False(MerkleTree.VerifyConsistency(m - 1, n, rootM, rootN, proof));
        Assert.False(MerkleTree.VerifyConsistency(m + 1, n, rootM, rootN, proof));
        Assert.False(MerkleTree.VerifyConsistency(m, n * 2, rootM, rootN, proof));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootN, rootM, proof));
        Assert.False(MerkleTree.VerifyConsistency(m, n, Flip(rootM, 0), rootN, proof));
        Assert.False(MerkleTree.VerifyConsistency(m, n, rootM, Flip(rootN, 0), proof));
        Assert.False(MerkleTree.VerifyConsistency(n, m, rootN, rootM, proof));
    }

    // Every single-bit flip of every proof hash.
    private static IEnumerable<IReadOnlyList<byte[]>> BitFlips(IReadOnlyList<byte[]> proof)
    {
        for (int i = 0; i < proof.Count; i++)
            for (int bit = 0; bit < 256; bit++)
            {
                var copy = proof.ToList();
                copy[i] = Flip(proof[i], bit);
                yield return copy;
            }
    }

    private static byte[] Flip(byte[] h, int bit)
    {
        byte[] c = (byte[])h.Clone();
        c[bit / 8] ^= (byte)(1 << (bit % 8));
        return c;
    }

    /// <summary>RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 written literally over arrays, independent of the code under test.</summary>
    private static class Model
    {
        private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());
        private static int K(int n) { int k = 1; while (k * 2 < n) k *= 2; return k; }

        public static byte[] Mth(byte[][] d) => d.Length switch
        {
            0 => SHA256.HashData([]),
            1 => d[0],
            _ => H([0x01], Mth(d[..K(d.Length)]), Mth(d[K(d.Length)..])),
        };

        public static List<byte[]> Path(int m, byte[][] d)
        {
            if (d.Length == 1) return [];
            int k = K(d.Length);
            return m < k ? [.. Path(m, d[..k]), Mth(d[k..])] : [.. Path(m - k, d[k..]), Mth(d[..k])];
        }

        public static List<byte[]> Proof(int m, byte[][] d) => SubProof(m, d, true);

        private static List<byte[]> SubProof(int m, byte[][] d, bool b)
        {
            if (m == d.Length) return b ? [] : [Mth(d)];
            int k = K(d.Length);
            return m <= k ? [.. SubProof(m, d[..k], b), Mth(d[k..])] : [.. SubProof(m - k, d[k..], false), Mth(d[..k])];
        }
    }
}
