using System.Text.Json;

namespace Federation.Node.Tests;

public sealed class ServiceDirectorySettingsTests : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-node-tests", Guid.NewGuid().ToString("N"));

    public ServiceDirectorySettingsTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "hsds"));
        foreach (var file in new[] { "root.pem", "node.pem", "node.key", "rounding.key", "cases.csv", "services.csv", "capacity.csv" })
        {
            File.WriteAllText(Path.Combine(_directory, file), "x");
        }
    }

    [Fact]
    public void A_directory_from_a_csv_export_an_hsds_folder_and_a_capacity_feed_is_accepted()
    {
        var configuration = Read("""
            { "sources": [ { "adapter": "csv", "options": { "path": "services.csv" } }, { "adapter": "hsds", "options": { "path": "hsds" } } ], "capacityFeed": "capacity.csv" }
            """);

        Assert.Empty(DirectoryProblems(configuration));
        Assert.Equal(2, configuration.ServiceDirectory!.Sources.Count);
        Assert.Equal(Path.Combine(_directory, "capacity.csv"), configuration.Resolve(configuration.ServiceDirectory.CapacityFeed!));
    }

    [Theory]
    [InlineData("""{ "sources": [] }""", "serviceDirectory.sources: at least one")]
    [InlineData("""{ "sources": [ { "options": { "path": "services.csv" } } ] }""", "serviceDirectory.sources[0].adapter: must be set")]
    [InlineData("""{ "sources": [ { "adapter": "csv", "options": { "path": "services.csv" } } ], "capacityFeed": "feed.csv" }""", "serviceDirectory.capacityFeed")]
    public void A_bad_directory_setting_is_refused_naming_it(string section, string expected)
    {
        var problems = DirectoryProblems(Read(section));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Only the directory section is under test: other settings of node.json have their own tests and may grow.
    private static IEnumerable<string> DirectoryProblems(NodeConfiguration configuration) =>
        configuration.Validate().Where(p => p.StartsWith("serviceDirectory", StringComparison.Ordinal));

    private NodeConfiguration Read(string serviceDirectory)
    {
        var configuration = JsonSerializer.Deserialize<NodeConfiguration>(
            $$"""{ "jurisdiction": "NS", "serviceDirectory": {{serviceDirectory}} }""",
            s_json)!;
        configuration.BaseDirectory = _directory;
        return configuration;
    }
}
