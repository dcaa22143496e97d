namespace Federation.Node.Tests;

public sealed class ScheduleSettingsTests : IDisposable
{
    private readonly NodeFolder _node = new();

    [Fact]
    public void A_daily_schedule_is_accepted()
    {
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration("""[ { "adapter": "csv" } ]""", """ "schedule": { "every": "1.00:00:00" }, """));

        Assert.Equal(TimeSpan.FromDays(1), configuration.Schedule!.Every);
    }

    [Theory]
    [InlineData("""{ "every": "00:00:30" }""", "schedule.every: '00:00:30' is shorter than the shortest interval, 00:01:00.")]
    [InlineData("""{ "every": "-01:00:00" }""", "schedule.every: '-01:00:00' is not a positive interval.")]
    [InlineData("""{ }""", "schedule.every: must be set")]
    [InlineData("""{ "every": "daily" }""", "$.schedule.every")]
    [InlineData("""{ "every": "1.00:00:00", "at": "02:00" }""", "at")]
    public void A_bad_schedule_is_refused_naming_the_setting(string schedule, string expected)
    {
        var error = Assert.Throws<NodeConfigurationException>(() =>
            NodeConfiguration.Load(_node.WriteConfiguration("""[ { "adapter": "csv" } ]""", $"\"schedule\": {schedule},")));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[ { "options": { "path": "cases.csv" } } ]""", "sources[0].adapter: must be set")]
    [InlineData("""[ { "name": "a", "adapter": "csv" }, { "name": "a", "adapter": "csv" } ]""", "sources[1].name: 'a' is already the name of sources[0]")]
    [InlineData("""[ { "adapter": "csv", "options": "cases.csv" } ]""", "$.sources[0].options")]
    [InlineData("""[ { "adapter": "csv", "path": "cases.csv" } ]""", "path")]
    public void A_bad_source_setting_is_refused_naming_it(string sources, string expected)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(_node.WriteConfiguration(sources)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _node.Dispose();
}
