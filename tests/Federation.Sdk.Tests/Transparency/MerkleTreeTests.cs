using System.Text;
using Federation.Sdk.Transparency;

namespace Federation.Sdk.Tests.Transparency;

public sealed class MerkleTreeTests
{
    private static readonly MerkleTree s_tree = new(Enumerable.Range(0, 64).Select(i => MerkleHash.Leaf(Encoding.ASCII.GetBytes($"leaf {i}"))).ToArray());

    [Fact]
    public void Every_inclusion_proof_of_trees_up_to_64_leaves_verifies_and_fails_for_another_leaf()
    {
        for (long size = 1; size <= 64; size++)
        {
            var root = s_tree.RootHash(size);
            for (long index = 0; index < size; index++)
            {
                var proof = s_tree.InclusionProof(index, size);
                var leaf = new MerkleTree([MerkleHash.Leaf(Encoding.ASCII.GetBytes($"leaf {index}"))]).RootHash(1);
                Assert.True(MerkleProof.VerifyInclusion((ulong)index, (ulong)size, leaf, proof, root).IsValid, $"leaf {index} of {size}");
                var other = MerkleHash.Leaf(Encoding.ASCII.GetBytes($"leaf {index + 1}"));
                Assert.False(MerkleProof.VerifyInclusion((ulong)index, (ulong)size, other, proof, root).IsValid);
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_of_trees_up_to_64_leaves_verifies_and_fails_against_another_root()
    {
        for (long size2 = 1; size2 <= 64; size2++)
        {
            for (long size1 = 1; size1 <= size2; size1++)
            {
                var proof = s_tree.ConsistencyProof(size1, size2);
                Assert.True(
                    MerkleProof.VerifyConsistency((ulong)size1, (ulong)size2, proof, s_tree.RootHash(size1), s_tree.RootHash(size2)).IsValid,
                    $"{size1} -> {size2}");
                if (size1 < size2)
                {
                    Assert.False(MerkleProof.VerifyConsistency((ulong)size1, (ulong)size2, proof, s_tree.RootHash(size1), s_tree.RootHash(size2 - 1)).IsValid);
                }
            }
        }
    }

    [Fact]
    public void The_empty_tree_has_the_hash_of_no_bytes_as_root()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(new MerkleTree([]).RootHash(0)));
    }
}
