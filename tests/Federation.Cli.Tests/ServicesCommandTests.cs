using System.CommandLine;
using Federation.Cli.Commands;
using Federation.Cli.Output;

namespace Federation.Cli.Tests;

[Collection(SharedConsole.Name)]
public sealed class ServicesCommandTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("6h", 6 * 3600)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("01:30:00", 5400)]
    public void Durations_are_read_in_the_short_forms_a_referral_desk_types(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ServicesCommand.ParseDuration("--max-age", text));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("0h")]
    public void A_bad_duration_names_the_option_and_the_forms(string text)
    {
        var error = Assert.Throws<CommandException>(() => ServicesCommand.ParseDuration("--max-age", text));

        Assert.Contains("--max-age", error.Message, StringComparison.Ordinal);
        Assert.Contains("6h", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_service_type_is_refused_with_the_list_before_anything_is_sent()
    {
        var error = new StringWriter();
        var root = new RootCommand { ServicesCommand.Create() };
        var originalError = Console.Error;
        Console.SetError(error);
        try
        {
            var exitCode = await root.Parse(["services", "find", "--gateway", "http://127.0.0.1:1", "--type", "shelter"]).InvokeAsync();

            Assert.Equal(2, exitCode);
            Assert.Contains("emergency_shelter", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(originalError);
        }
    }

    [Theory]
    [InlineData(30, "just now")]
    [InlineData(600, "10 min ago")]
    [InlineData(3 * 3600, "3 h ago")]
    [InlineData(5 * 86400, "5 days ago")]
    public void Capacity_age_reads_as_a_person_would_say_it(int seconds, string expected) =>
        Assert.Equal(expected, DirectoryResultWriter.Age(TimeSpan.FromSeconds(seconds)));
}
