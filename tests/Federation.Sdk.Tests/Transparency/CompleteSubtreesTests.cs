using System.Text;
using System.Text.Json;
using Federation.Sdk.Testing;
using Federation.Sdk.Transparency;

namespace Federation.Sdk.Tests.Transparency;

/// <summary>The log's O(log n) computations from stored complete subtrees equal <see cref="MerkleTree"/> everywhere.</summary>
public sealed class CompleteSubtreesTests
{
    private const int Leaves = 130;

    private static readonly byte[][] s_leafHashes =
        Enumerable.Range(0, Leaves).Select(i => MerkleHash.Leaf(Encoding.ASCII.GetBytes($"leaf {i}"))).ToArray();

    private static readonly MerkleTree s_tree = new(s_leafHashes);

    // Built the way the log builds it: one append at a time, each reading only the frontier it was given.
    private static readonly Dictionary<MerkleSubtree, byte[]> s_stored = AppendAll(s_leafHashes);

    [Fact]
    public void Roots_of_every_size_up_to_130_equal_the_tree()
    {
        for (long size = 0; size <= Leaves; size++)
        {
            Assert.Equal(s_tree.RootHash(size), CompleteSubtrees.RootHash(size, Only(CompleteSubtrees.ForRoot(size))));
        }
    }

    [Fact]
    public void Inclusion_proofs_of_every_index_and_size_up_to_130_equal_the_tree()
    {
        for (long size = 1; size <= Leaves; size++)
        {
            for (long index = 0; index < size; index++)
            {
                var needed = CompleteSubtrees.ForInclusion(index, size);
                Assert.True(needed.Count <= 2 * 64, $"{needed.Count} subtrees for leaf {index} of {size}");
                Assert.Equal(s_tree.InclusionProof(index, size), CompleteSubtrees.InclusionProof(index, size, Only(needed)));
            }
        }
    }

    [Fact]
    public void Consistency_proofs_of_every_pair_of_sizes_up_to_130_equal_the_tree()
    {
        for (long size2 = 0; size2 <= Leaves; size2++)
        {
            for (long size1 = 0; size1 <= size2; size1++)
            {
                var needed = CompleteSubtrees.ForConsistency(size1, size2);
                Assert.Equal(s_tree.ConsistencyProof(size1, size2), CompleteSubtrees.ConsistencyProof(size1, size2, Only(needed)));
            }
        }
    }

    [Fact]
    public void An_append_reads_at_most_one_subtree_per_level()
    {
        for (long size = 0; size <= Leaves; size++)
        {
            Assert.True(CompleteSubtrees.ForRoot(size).Count <= 64);
            Assert.Equal(long.PopCount(size), CompleteSubtrees.ForRoot(size).Count);
        }
    }

    [Fact]
    public void A_subtree_that_was_not_read_is_named_rather_than_guessed()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CompleteSubtrees.RootHash(3, new Dictionary<MerkleSubtree, byte[]>()));

        Assert.Contains("(level 0, index 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Proofs_from_stored_subtrees_equal_the_published_happy_path_proofs()
    {
        string[] referenceLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        var stored = AppendAll(referenceLeaves.Select(l => MerkleHash.Leaf(Convert.FromHexString(l))).ToArray());
        var compared = 0;
        foreach (var file in TestVectors.MerkleCaseFiles().Where(f => Path.GetFileName(f) == "happy-path.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            var proof = root.GetProperty("proof").ValueKind == JsonValueKind.Null
                ? []
                : root.GetProperty("proof").EnumerateArray().Select(e => e.GetString()!).ToArray();
            if (root.TryGetProperty("leafIdx", out var leafIndex))
            {
                var size = root.GetProperty("treeSize").GetInt64();
                Assert.Equal(root.GetProperty("root").GetString(), Convert.ToBase64String(CompleteSubtrees.RootHash(size, stored)));
                Assert.Equal(proof, CompleteSubtrees.InclusionProof(leafIndex.GetInt64(), size, stored).Select(Convert.ToBase64String));
            }
            else
            {
                var size1 = root.GetProperty("size1").GetInt64();
                var size2 = root.GetProperty("size2").GetInt64();
                Assert.Equal(root.GetProperty("root2").GetString(), Convert.ToBase64String(CompleteSubtrees.RootHash(size2, stored)));
                Assert.Equal(proof, CompleteSubtrees.ConsistencyProof(size1, size2, stored).Select(Convert.ToBase64String));
            }

            compared++;
        }

        Assert.True(compared >= 5, $"only {compared} happy-path cases were compared");
    }

    private static Dictionary<MerkleSubtree, byte[]> AppendAll(byte[][] leafHashes)
    {
        var stored = new Dictionary<MerkleSubtree, byte[]>();
        for (var i = 0; i < leafHashes.Length; i++)
        {
            var frontier = CompleteSubtrees.ForRoot(i).ToDictionary(s => s, s => stored[s]);
            foreach (var (subtree, hash) in CompleteSubtrees.Append(i, leafHashes[i], frontier))
            {
                stored.Add(subtree, hash);
            }
        }

        return stored;
    }

    // Only the subtrees a computation said it needs: a computation that reads any other fails.
    private static Dictionary<MerkleSubtree, byte[]> Only(IEnumerable<MerkleSubtree> needed) => needed.ToDictionary(s => s, s => s_stored[s]);
}
