using System.Security.Cryptography;
using Federation.Node.Setup;
using Federation.Sdk.Hosting;

namespace Federation.Node.Tests;

public sealed class NodeConfigurationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-node-tests", Guid.NewGuid().ToString("N"));

    public NodeConfigurationTests()
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in new[] { "root.pem", "log.pub", "node.pem", "node.key", "cases.csv" })
        {
            File.WriteAllText(Path.Combine(_directory, file), "x");
        }

        File.WriteAllBytes(Path.Combine(_directory, "rounding.key"), RandomNumberGenerator.GetBytes(NodeProtectionKey.Length));
    }

    [Fact]
    public void A_complete_configuration_loads_and_resolves_paths_from_its_folder()
    {
        var path = Write(Valid());

        var configuration = NodeConfiguration.Load(path);

        Assert.Equal("NS", configuration.Jurisdiction);
        Assert.Equal(_directory, configuration.BaseDirectory);
        Assert.Equal("cases.csv", (string?)configuration.Sources[0].Options!["path"]);
    }

    [Theory]
    [InlineData("jurisdiction", "\"XX\"", "jurisdiction: 'XX'")]
    [InlineData("datasetId", "\"victims\"", "datasetId: 'victims'")]
    [InlineData("nodeId", "\"\"", "nodeId: must be set")]
    [InlineData("referenceYears", "[1850]", "referenceYears: 1850")]
    [InlineData("referenceYears", "[]", "referenceYears: list the reference years this node releases")]
    public void A_bad_setting_is_refused_with_a_message_that_names_it(string setting, string json, string expected)
    {
        var text = Valid().Replace($"\"{setting}\": {DefaultOf(setting)}", $"\"{setting}\": {json}", StringComparison.Ordinal);
        var path = Write(text);

        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private const string CourtDataset = """
          "datasets": [ { "datasetId": "trafficking.prosecutions.v1", "referenceYears": [2023], "sources": [ { "name": "court", "adapter": "csv", "options": { "path": "court.csv" } } ] } ],
        """;

    [Fact]
    public void A_node_lists_its_datasets_the_top_level_one_first_each_with_its_sources_and_years()
    {
        var configuration = NodeConfiguration.Load(Write(Valid().Replace("\"stateDirectory\"", CourtDataset + "\n  \"stateDirectory\"", StringComparison.Ordinal)));

        Assert.Equal(
            [("trafficking.victims.v1", NodeSourceKind.CaseRecords, 2), ("trafficking.prosecutions.v1", NodeSourceKind.DatasetRecords, 1)],
            configuration.StatisticsDatasets().Select(d => (d.DatasetId, d.SourceKind, d.ReferenceYears.Count)));
        Assert.Equal(
            [("sources[0]", "trafficking.victims.v1"), ("datasets[0].sources[0]", "trafficking.prosecutions.v1")],
            configuration.ConfiguredSources().Select(s => (s.Setting, s.DatasetId!)));
    }

    [Fact]
    public void A_node_may_list_only_datasets_without_the_top_level_one()
    {
        var text = Valid()
            .Replace("\"datasetId\": \"trafficking.victims.v1\",", string.Empty, StringComparison.Ordinal)
            .Replace("\"referenceYears\": [2023, 2024],", string.Empty, StringComparison.Ordinal)
            .Replace("\"sources\": [ { \"adapter\": \"csv\", \"options\": { \"path\": \"cases.csv\" } } ],", CourtDataset, StringComparison.Ordinal);

        var configuration = NodeConfiguration.Load(Write(text));

        Assert.Equal(["trafficking.prosecutions.v1"], configuration.StatisticsDatasets().Select(d => d.DatasetId));
    }

    [Theory]
    [InlineData("\"datasetId\": \"trafficking.prosecutions.v1\"", "\"datasetId\": \"trafficking.victims.v1\"", "datasets[0].datasetId: 'trafficking.victims.v1' is listed twice")]
    [InlineData("\"datasetId\": \"trafficking.prosecutions.v1\"", "\"datasetId\": \"court\"", "datasets[0].datasetId: 'court' is not a known dataset")]
    [InlineData("\"referenceYears\": [2023]", "\"referenceYears\": []", "datasets[0].referenceYears: list the reference years")]
    [InlineData("\"sources\": [ { \"name\": \"court\", \"adapter\": \"csv\", \"options\": { \"path\": \"court.csv\" } } ]", "\"sources\": []", "datasets[0].sources: at least one source is needed.")]
    [InlineData("\"name\": \"court\"", "\"name\": \"csv-1\"", "datasets[0].sources[0].name: 'csv-1' is already the name of sources[0]")]
    public void A_bad_dataset_entry_is_refused_naming_its_setting(string valid, string broken, string expected)
    {
        var text = Valid().Replace("\"stateDirectory\"", CourtDataset.Replace(valid, broken, StringComparison.Ordinal) + "\n  \"stateDirectory\"", StringComparison.Ordinal);

        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(text)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_file_is_named_with_its_setting_and_path()
    {
        File.Delete(Path.Combine(_directory, "rounding.key"));

        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(Valid())));

        Assert.Contains("protection.keyFile", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory, "rounding.key"), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(4096)]
    public void A_protection_key_of_the_wrong_size_is_refused_naming_the_file_and_the_size_expected(int size)
    {
        var key = Path.Combine(_directory, "rounding.key");
        File.WriteAllBytes(key, RandomNumberGenerator.GetBytes(size));

        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(Valid())));

        Assert.Contains($"protection.keyFile: file '{key}' is {size} bytes; a protection key is 32 random bytes (at least 32, at most 1024)", error.Message, StringComparison.Ordinal);
        Assert.Contains("fed node init", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void A_protection_key_of_32_bytes_or_more_is_accepted(int size)
    {
        File.WriteAllBytes(Path.Combine(_directory, "rounding.key"), RandomNumberGenerator.GetBytes(size));

        Assert.Empty(NodeConfiguration.Load(Write(Valid())).Validate());
    }

    [Fact]
    public void A_node_without_the_log_verifier_key_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<NodeConfigurationException>(() =>
            NodeConfiguration.Load(Write(Valid().Replace(", \"logVerifierKey\": \"log.pub\"", string.Empty, StringComparison.Ordinal))));

        Assert.Contains("gateway.logVerifierKey: must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_setting_is_refused_rather_than_ignored()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(Valid().Replace("\"nodeId\"", "\"nodeName\"", StringComparison.Ordinal))));

        Assert.Contains("nodeName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_http_gateway_address_other_than_https_or_http_is_refused()
    {
        var error = Assert.Throws<NodeConfigurationException>(() =>
            NodeConfiguration.Load(Write(Valid().Replace("https://127.0.0.1:7443", "ftp://gateway", StringComparison.Ordinal))));

        Assert.Contains("gateway.address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"attemptsPerRun\": 0 }", "outbox.attemptsPerRun: 0")]
    [InlineData("{ \"initialBackoffSeconds\": -1 }", "outbox.initialBackoffSeconds: -1")]
    [InlineData("{ \"initialBackoffSeconds\": 10, \"maxBackoffSeconds\": 5 }", "outbox.maxBackoffSeconds: 5 must be at least outbox.initialBackoffSeconds")]
    public void A_bad_outbox_setting_is_refused_with_a_message_that_names_it(string outbox, string expected)
    {
        var text = Valid().Replace("\"stateDirectory\": \"state\"", $"\"stateDirectory\": \"state\", \"outbox\": {outbox}", StringComparison.Ordinal);

        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(Write(text)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outbox_settings_are_optional_and_become_the_retry_policy()
    {
        var defaults = NodeConfiguration.Load(Write(Valid()));
        var tuned = NodeConfiguration.Load(Write(Valid().Replace("\"stateDirectory\": \"state\"", "\"stateDirectory\": \"state\", \"outbox\": { \"attemptsPerRun\": 3, \"maxBackoffSeconds\": 90 }", StringComparison.Ordinal)));

        Assert.Null(defaults.Outbox);
        Assert.Equal(new Sdk.Publishing.OutboxRetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(90)), tuned.Outbox!.ToPolicy());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "node.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string DefaultOf(string setting) => setting switch
    {
        "jurisdiction" => "\"NS\"",
        "datasetId" => "\"trafficking.victims.v1\"",
        "nodeId" => "\"node-ns\"",
        "referenceYears" => "[2023, 2024]",
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };

    private static string Valid() => """
        {
          "jurisdiction": "NS",
          "nodeId": "node-ns",
          "datasetId": "trafficking.victims.v1",
          "gateway": { "address": "https://127.0.0.1:7443", "trustRoot": "root.pem", "logVerifierKey": "log.pub" },
          "signing": { "certificate": "node.pem", "privateKey": "node.key" },
          "protection": { "keyFile": "rounding.key" },
          "referenceYears": [2023, 2024],
          "sources": [ { "adapter": "csv", "options": { "path": "cases.csv" } } ],
          "stateDirectory": "state"
        }
        """;
}
