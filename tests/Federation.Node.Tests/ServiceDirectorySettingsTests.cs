namespace Federation.Node.Tests;

public sealed class ServiceDirectorySettingsTests : IDisposable
{
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
        var configuration = NodeConfiguration.Load(Write("""
            { "sources": [ { "adapter": "csv", "path": "services.csv" }, { "adapter": "hsds", "path": "hsds" } ], "capacityFeed": "capacity.csv" }
            """));

        Assert.Equal(2, configuration.ServiceDirectory!.Sources.Count);
        Assert.Equal(Path.Combine(_directory, "capacity.csv"), configuration.Resolve(configuration.ServiceDirectory.CapacityFeed!));
    }

    [Theory]
    [InlineData("""{ "sources": [] }""", "serviceDirectory.sources: at least one")]
    [InlineData("""{ "sources": [ { "adapter": "xml", "path": "services.csv" } ] }""", "serviceDirectory.sources[0].adapter: 'xml'")]
    [InlineData("""{ "sources": [ { "adapter": "csv", "path": "missing.csv" } ] }""", "serviceDirectory.sources[0].path")]
    [InlineData("""{ "sources": [ { "adapter": "csv", "path": "services.csv" } ], "capacityFeed": "feed.csv" }""", "serviceDirectory.capacityFeed")]
    public void A_bad_directory_setting_is_refused_naming_it(string section, string expected)
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(section)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string serviceDirectory)
    {
        var path = Path.Combine(_directory, "node.json");
        File.WriteAllText(path, $$"""
            {
              "jurisdiction": "NS",
              "nodeId": "node-ns",
              "datasetId": "trafficking.victims.v1",
              "gateway": { "address": "https://127.0.0.1:7443", "trustRoot": "root.pem" },
              "signing": { "certificate": "node.pem", "privateKey": "node.key" },
              "protection": { "keyFile": "rounding.key" },
              "sources": [ { "adapter": "csv", "path": "cases.csv" } ],
              "serviceDirectory": {{serviceDirectory}}
            }
            """);
        return path;
    }
}
