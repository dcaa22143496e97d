using Federation.Sdk.Transparency;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed log check-proof`: verifies proof cases in the transparency-dev/merkle JSON form, one output line per file.
/// Exit 0 when all are valid, 1 when any is invalid, 2 when any file cannot be used (missing, not JSON, not a case).
/// </summary>
internal static class ProofFileCheck
{
    public const int AllValid = 0;
    public const int SomeInvalid = 1;
    public const int UnusableInput = 2;

    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        if (paths.Count == 0)
        {
            error.WriteLine("fed log check-proof: no files given. Usage: fed log check-proof FILE... (a folder stands for every *.json under it)");
            return UnusableInput;
        }

        var exitCode = AllValid;
        foreach (var file in Expand(paths))
        {
            string json;
            try
            {
                json = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{file}: unusable: {e.Message}");
                exitCode = UnusableInput;
                continue;
            }

            MerkleProofCase proofCase;
            try
            {
                proofCase = MerkleProofCase.Parse(json);
            }
            catch (FormatException e)
            {
                error.WriteLine($"{file}: unusable: {e.Message}");
                exitCode = UnusableInput;
                continue;
            }

            var result = proofCase.Verify();
            if (result.IsValid)
            {
                output.WriteLine($"{file}: valid");
            }
            else
            {
                output.WriteLine($"{file}: invalid: {result.Failure}");
                if (exitCode == AllValid)
                {
                    exitCode = SomeInvalid;
                }
            }
        }

        return exitCode;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else
            {
                yield return path;
            }
        }
    }
}
