using System.CommandLine;
using Federation.Cli.Commands;

namespace Federation.Cli.Tests;

[Collection(SharedConsole.Name)]
public sealed class CommandLineParsingTests
{
    [Fact]
    public async Task A_malformed_filter_is_refused_with_the_expected_form_before_anything_is_sent()
    {
        var error = new StringWriter();
        var root = new RootCommand { QueryCommand.Create() };
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            var exitCode = await root.Parse(["query", "--gateway", "http://127.0.0.1:1", "--filter", "gender"]).InvokeAsync();

            Assert.Equal(2, exitCode);
            Assert.Contains("DIMENSION=CODE", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(originalError);
        }
    }

    [Fact]
    public async Task An_as_of_that_is_neither_a_tree_size_nor_a_time_is_refused_before_anything_is_sent()
    {
        var error = new StringWriter();
        var root = new RootCommand { QueryCommand.Create() };
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            var exitCode = await root.Parse(["query", "--gateway", "http://127.0.0.1:1", "--as-of", "last tuesday"]).InvokeAsync();

            Assert.Equal(2, exitCode);
            Assert.Contains("--as-of 'last tuesday'", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(originalError);
        }
    }

    [Fact]
    public void A_port_out_of_range_is_a_parse_error()
    {
        var root = new RootCommand { DemoCommand.Create() };

        var result = root.Parse(["demo", "--port", "70000"]);

        Assert.Contains(result.Errors, e => e.Message.Contains("--port", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--replicas needs --postgres CONNECTION_STRING: ", "demo", "--replicas", "2")]
    [InlineData("--replicas needs --postgres CONNECTION_STRING: ", "demo", "--replicas", "1")]
    [InlineData("--replicas must be between 1 and 8.", "demo", "--replicas", "0", "--postgres", "Host=db;Database=federation;Username=gateway")]
    [InlineData("--port 65535 leaves no room for 2 replicas", "demo", "--replicas", "2", "--port", "65535", "--postgres", "Host=db;Database=federation;Username=gateway")]
    public void Demo_replicas_without_a_database_to_share_or_a_port_for_each_are_a_parse_error(string expected, params string[] arguments)
    {
        var root = new RootCommand { DemoCommand.Create() };

        var result = root.Parse(arguments);

        Assert.Contains(result.Errors, e => e.Message.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Demo_replicas_on_a_database_parse()
    {
        var root = new RootCommand { DemoCommand.Create() };

        Assert.Empty(root.Parse(["demo", "--replicas", "3", "--postgres", "Host=db;Database=federation;Username=gateway"]).Errors);
    }

    [Fact]
    public void An_unknown_output_format_is_a_parse_error()
    {
        var root = new RootCommand { QueryCommand.Create() };

        var result = root.Parse(["query", "--format", "xml"]);

        Assert.NotEmpty(result.Errors);
    }
}
