using System.Text.Json;
using Federation.Sdk.Testing;
using Federation.Sdk.Transparency;

namespace Federation.Sdk.Tests.Transparency;

/// <summary>The external transparency-dev/merkle cases, every file of the folder, each with its expected verdict.</summary>
public sealed class MerkleVectorTests
{
    // The RFC 6962 reference leaves the transparency-dev test data was generated from.
    private static readonly string[] s_referenceLeaves =
    [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ];

    public static TheoryData<string> CaseFiles()
    {
        var root = TestVectors.MerkleDirectory();
        var data = new TheoryData<string>();
        foreach (var file in TestVectors.MerkleCaseFiles())
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void Every_vector_gets_its_expected_verdict(string relativePath)
    {
        var proofCase = MerkleProofCase.Parse(File.ReadAllText(Path.Combine(TestVectors.MerkleDirectory(), relativePath)));

        var result = proofCase.Verify();

        Assert.NotNull(proofCase.WantError);
        Assert.True(
            result.IsValid != proofCase.WantError,
            $"{relativePath} ({proofCase.Description}): expected {(proofCase.WantError == true ? "rejection" : "acceptance")}, got {(result.IsValid ? "valid" : "invalid: " + result.Failure)}");
    }

    [Fact]
    public void The_folder_holds_both_kinds_of_case()
    {
        var kinds = TestVectors.MerkleCaseFiles().Select(f => MerkleProofCase.Parse(File.ReadAllText(f)).Kind).ToArray();

        Assert.Contains(MerkleProofKind.Inclusion, kinds);
        Assert.Contains(MerkleProofKind.Consistency, kinds);
    }

    [Fact]
    public void Proofs_made_by_the_tree_equal_the_published_happy_path_proofs()
    {
        var tree = new MerkleTree(s_referenceLeaves.Select(l => MerkleHash.Leaf(Convert.FromHexString(l))).ToArray());
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
                Assert.Equal(root.GetProperty("root").GetString(), Convert.ToBase64String(tree.RootHash(size)));
                Assert.Equal(proof, tree.InclusionProof(leafIndex.GetInt64(), size).Select(Convert.ToBase64String));
            }
            else
            {
                var size1 = root.GetProperty("size1").GetInt64();
                var size2 = root.GetProperty("size2").GetInt64();
                Assert.Equal(root.GetProperty("root2").GetString(), Convert.ToBase64String(tree.RootHash(size2)));
                Assert.Equal(proof, tree.ConsistencyProof(size1, size2).Select(Convert.ToBase64String));
            }

            compared++;
        }

        Assert.True(compared >= 5, $"only {compared} happy-path cases were compared");
    }
}
