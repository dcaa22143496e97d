namespace Federation.Sdk.Adapters.Hsds.Tests;

/// <summary>The HSDS 3.1 specification's example documents in tests/testdata/hsds/examples (copied unchanged with their licence), used as they are.</summary>
internal static class HsdsExamples
{
    public static string Folder { get; } = Find();

    public static IEnumerable<string> Files => Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal);

    public static string File(string name) => Path.Combine(Folder, name);

    private static string Find()
    {
        // tests/testdata is part of the repository; it is found from the folder holding Federation.sln.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "testdata", "hsds", "examples");
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Federation.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/testdata/hsds/examples was not found in the repository (above " + AppContext.BaseDirectory + ").");
    }
}
