namespace Federation.Sdk.Testing;

/// <summary>Finds the external test vectors kept in the repository (tests/testdata, copied unchanged with their licences), used as published.</summary>
public static class TestVectors
{
    /// <summary>
    /// The transparency-dev/merkle proof cases in tests/testdata/merkle, found from the folder holding Federation.sln.
    /// Throws when absent, so a test cannot pass by finding no cases.
    /// </summary>
    public static string MerkleDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Federation.sln")))
            {
                var merkle = Path.Combine(directory.FullName, "tests", "testdata", "merkle");
                return Directory.Exists(merkle)
                    ? merkle
                    : throw new DirectoryNotFoundException($"The Merkle test vectors are not at {merkle}.");
            }
        }

        throw new DirectoryNotFoundException("Federation.sln not found above " + AppContext.BaseDirectory + ".");
    }

    /// <summary>Every case file (*.json) under the Merkle vectors folder, in a stable order.</summary>
    public static IReadOnlyList<string> MerkleCaseFiles() =>
        Directory.EnumerateFiles(MerkleDirectory(), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
}
