using System.Security.Cryptography;
using Custos.Crypto.Transparency;

namespace Custos.Crypto.Tests.Transparency;

/// <summary>The level-by-level prover gives exactly <see cref="MerkleTree"/>'s proofs and root, which the known answers of MerkleTreeTests pin.</summary>
public class InclusionProverTests
{
    private static byte[] Leaf(long i) => MerkleHash.LeafHash(BitConverter.GetBytes(i));

    [Fact]
    public void Every_proof_and_root_of_trees_of_1_to_70_leaves_equal_the_rfc_9162_path_and_verify()
    {
        for (int size = 1; size <= 70; size++)
        {
            var leaves = Enumerable.Range(0, size).Select(i => Leaf(i)).ToArray();
            var prover = new InclusionProver(leaves);
            var root = MerkleTree.RootHash(i => leaves[i], size);

            Assert.Equal(root, prover.RootHash);
            for (int m = 0; m < size; m++)
            {
                var proof = prover.Proof(m);
                Assert.Equal(MerkleTree.InclusionProof(i => leaves[i], m, size), proof);
                Assert.True(MerkleTree.VerifyInclusion(leaves[m], m, size, proof, root), $"leaf {m} of {size}");
            }
        }
    }

    [Fact]
    public void Misuse_throws()
    {
        Assert.Throws<ArgumentException>(() => new InclusionProver([]));
        Assert.Throws<ArgumentException>(() => new InclusionProver([new byte[31]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InclusionProver([Leaf(0)]).Proof(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InclusionProver([Leaf(0)]).Proof(-1));
    }

    [Fact]
    public void Proofs_are_copies()
    {
        var prover = new InclusionProver([Leaf(0), Leaf(1)]);
        CryptographicOperations.ZeroMemory(prover.Proof(0)[0]);
        Assert.Equal(Leaf(1), prover.Proof(0)[0]);
    }
}
