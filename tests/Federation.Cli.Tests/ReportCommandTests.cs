using System.CommandLine;
using Federation.Cli.Commands;

namespace Federation.Cli.Tests;

[Collection(SharedConsole.Name)]
public sealed class ReportCommandTests
{
    [Theory]
    [InlineData("--out", "report")]
    [InlineData("--year", "2024")]
    public void The_year_and_the_output_folder_are_required(string option, string value)
    {
        var root = new RootCommand { ReportCommand.Create() };

        var result = root.Parse(["report", option, value]);

        var missing = option == "--out" ? "--year" : "--out";
        Assert.Contains(result.Errors, e => e.Message.Contains(missing, StringComparison.Ordinal));
    }

    [Fact]
    public void A_year_out_of_range_is_a_parse_error()
    {
        var root = new RootCommand { ReportCommand.Create() };

        var result = root.Parse(["report", "--year", "24", "--out", "report"]);

        Assert.Contains(result.Errors, e => e.Message.Contains("--year must be a year", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_log_key_is_refused_with_what_to_pass_before_anything_is_asked()
    {
        var data = Path.Combine(Path.GetTempPath(), "federation-cli-tests", Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        var root = new RootCommand { ReportCommand.Create() };
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            var exitCode = await root.Parse(["report", "--data", data, "--gateway", "http://127.0.0.1:1", "--year", "2024", "--out", Path.Combine(data, "out")]).InvokeAsync();

            Assert.Equal(2, exitCode);
            Assert.Contains("No log verifier key", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("--log-key FILE", error.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(data, "out")));
        }
        finally
        {
            Console.SetError(originalError);
        }
    }
}
