using System.Text.Json;
using Federation.Sdk.Testing;

namespace Federation.EndToEnd.Tests;

/// <summary>`fed log check-proof` run as a process over the external Merkle vectors.</summary>
public sealed class LogCheckProofTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Every_vector_gets_its_expected_verdict_through_fed_log_check_proof()
    {
        var files = TestVectors.MerkleCaseFiles();

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(s_timeout, ["log", "check-proof", .. files]);

        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(files.Count, lines.Length);
        foreach (var (file, line) in files.Zip(lines))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var wantError = json.RootElement.GetProperty("wantErr").GetBoolean();
            Assert.True(
                line == $"{file}: valid" ? !wantError : line.StartsWith($"{file}: invalid: ", StringComparison.Ordinal) && wantError,
                $"expected {(wantError ? "invalid" : "valid")}: {line}");
        }

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Only_valid_cases_exit_0_and_unusable_input_exits_2()
    {
        var happy = TestVectors.MerkleCaseFiles().Where(f => Path.GetFileName(f) == "happy-path.json").ToArray();
        var notACase = Path.Combine(Path.GetTempPath(), $"not-a-case-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(notACase, """{"size": 3}""");
        try
        {
            var valid = await ExternalProcess.RunFedAsync(s_timeout, ["log", "check-proof", .. happy]);
            var unusable = await ExternalProcess.RunFedAsync(s_timeout, ["log", "check-proof", happy[0], notACase]);

            Assert.Equal(0, valid.ExitCode);
            Assert.All(valid.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.EndsWith(": valid", l, StringComparison.Ordinal));
            Assert.Equal(2, unusable.ExitCode);
            Assert.Contains($"{notACase}: unusable: neither an inclusion case", unusable.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notACase);
        }
    }
}
