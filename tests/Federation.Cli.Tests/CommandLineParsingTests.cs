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

    [Fact]
    public void An_unknown_output_format_is_a_parse_error()
    {
        var root = new RootCommand { QueryCommand.Create() };

        var result = root.Parse(["query", "--format", "xml"]);

        Assert.NotEmpty(result.Errors);
    }
}
