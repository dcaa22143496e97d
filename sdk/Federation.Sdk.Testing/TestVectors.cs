namespace Federation.Sdk.Testing;

/// <summary>Finds the external test vectors kept in the repository (tests/testdata, copied unchanged with their licences), used as published.</summary>
public static class TestVectors
{
    /// <summary>
    /// The transparency-dev/merkle proof cases: FEDERATION_MERKLE_VECTORS if set, else tests/testdata/merkle
    /// from the folder holding Federation.sln. Throws when absent, so a test cannot pass by finding no cases.
    /// </summary>
    public static string MerkleDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("FEDERATION_MERKLE_VECTORS");
        if (!string.IsNullOrEmpty(configured))
        {
            return Existing(configured);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Federation.sln")))
            {
                return Existing(Path.Combine(directory.FullName, "tests", "testdata", "merkle"));
            }
        }

        throw new DirectoryNotFoundException("Federation.sln not found above " + AppContext.BaseDirectory + "; set FEDERATION_MERKLE_VECTORS.");
    }

    /// <summary>Every case file (*.json) under the Merkle vectors folder, in a stable order.</summary>
    public static IReadOnlyList<string> MerkleCaseFiles() =>
        Directory.EnumerateFiles(MerkleDirectory(), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private static string Existing(string path)
    {
        var full = Path.GetFullPath(path);
        return Directory.Exists(full)
            ? full
            : throw new DirectoryNotFoundException($"The Merkle test vectors are not at {full}; set FEDERATION_MERKLE_VECTORS.");
    }
}
