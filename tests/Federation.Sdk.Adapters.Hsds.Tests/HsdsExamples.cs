namespace Federation.Sdk.Adapters.Hsds.Tests;

/// <summary>The HSDS 3.1 specification's example documents in shared/testvectors/hsds/examples, used as they are.</summary>
internal static class HsdsExamples
{
    public static string Folder { get; } = Find();

    public static IEnumerable<string> Files => Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal);

    public static string File(string name) => Path.Combine(Folder, name);

    private static string Find()
    {
        // The shared folder sits beside the repository (../shared from its root) in every checkout, CI included.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "testvectors", "hsds", "examples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/testvectors/hsds/examples was not found beside the repository.");
    }
}
