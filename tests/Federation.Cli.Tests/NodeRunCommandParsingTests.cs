using System.CommandLine;
using Federation.Cli.Commands;

namespace Federation.Cli.Tests;

[Collection(SharedConsole.Name)]
public sealed class NodeRunCommandParsingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federation-cli-tests-").FullName;

    [Fact]
    public async Task An_unusable_configuration_exits_2_naming_every_setting_including_the_interval_given_on_the_command_line()
    {
        var path = Path.Combine(_directory, "node.json");
        await File.WriteAllTextAsync(path, """{ "jurisdiction": "NS", "sources": [ { "adapter": "csv", "options": { "path": "cases.csv" } } ] }""");

        var (exitCode, error) = await InvokeAsync("node", "run", "--config", path, "--every", "00:00:10");

        Assert.Equal(2, exitCode);
        Assert.Contains("nothing was read or sent", error, StringComparison.Ordinal);
        Assert.Contains("nodeId: must be set.", error, StringComparison.Ordinal);
        Assert.Contains("--every: '00:00:10' is shorter than the shortest interval", error, StringComparison.Ordinal);
        Assert.Contains($"sources[0].options.path: file '{Path.Combine(_directory, "cases.csv")}' does not exist.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "state")));
    }

    [Fact]
    public async Task A_missing_configuration_file_exits_2_naming_it()
    {
        var path = Path.Combine(_directory, "absent.json");

        var (exitCode, error) = await InvokeAsync("node", "run", "--config", path, "--once");

        Assert.Equal(2, exitCode);
        Assert.Contains($"Node configuration '{path}' does not exist.", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int ExitCode, string Error)> InvokeAsync(params string[] arguments)
    {
        var error = new StringWriter();
        var root = new RootCommand { NodeCommand.Create() };
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            return (await root.Parse(arguments).InvokeAsync(), error.ToString());
        }
        finally
        {
            Console.SetError(originalError);
        }
    }
}
