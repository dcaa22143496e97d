using Federation.Node.Adapters;
using Federation.Sdk.Hosting;

namespace Federation.Node.Tests;

/// <summary>The built-in adapters (csv, hsds) named in node.json: their options come from the file and their problems name the setting.</summary>
public sealed class BuiltInAdapterTests : IDisposable
{
    private readonly NodeFolder _node = new();

    [Fact]
    public void The_built_in_adapters_are_known_without_a_plugins_folder()
    {
        var catalog = AdapterCatalog.Create(pluginsFolder: null);

        Assert.Empty(catalog.Problems);
        Assert.NotNull(catalog.Find("csv", NodeSourceKind.CaseRecords));
        Assert.NotNull(catalog.Find("csv", NodeSourceKind.ServiceDirectory));
        Assert.NotNull(catalog.Find("hsds", NodeSourceKind.ServiceDirectory));
        Assert.Null(catalog.Find("hsds", NodeSourceKind.CaseRecords));
    }

    [Fact]
    public async Task Csv_options_from_node_json_map_the_columns_and_resolve_the_path_from_the_files_folder()
    {
        await File.WriteAllTextAsync(_node.PathOf("export.csv"), """
            Dossier|Born|Identified|Gender|Exploitation|Indigenous|Citizenship|Status|Relationship|Residence
            NS-1|1990-01-01|2024-03-01|Feminine|SexualExploitation+ForcedLabour|NotIndigenous|CA|ActualVictimOfTrafficking|IntimatePartner|
            """);
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration("""
            [ { "name": "intake", "adapter": "csv", "options": {
                "path": "export.csv", "delimiter": "|", "listSeparator": "+",
                "columns": { "caseId": "Dossier", "birthDate": "Born", "identificationDate": "Identified", "gender": "Gender", "exploitationTypes": "Exploitation",
                             "indigenousIdentity": "Indigenous", "citizenship": "Citizenship", "traffickingStatus": "Status",
                             "relationshipToTrafficker": "Relationship", "residenceStatus": "Residence" } } } ]
            """));

        using var sources = new NodeSourceFactory(configuration, TimeProvider.System).Create();
        var rows = new List<Sdk.Records.SourceRow>();
        await foreach (var row in Assert.Single(sources.CaseRecords).ReadAsync(CancellationToken.None))
        {
            rows.Add(row);
        }

        var record = Assert.Single(rows).Record!;
        Assert.Equal("NS-1", record.CaseId);
        Assert.Equal(["SexualExploitation", "ForcedLabour"], record.TypesOfExploitation);
        Assert.Equal("intake", Assert.Single(sources.CaseSources).Key);
    }

    [Theory]
    [InlineData("""[ { "adapter": "csv", "options": { "path": "missing.csv" } } ]""", "sources[0].options.path: file '{0}' does not exist.")]
    [InlineData("""[ { "adapter": "csv", "options": { "path": "node.pem", "delimter": ";" } } ]""", "sources[0].options.delimter: is not an option")]
    [InlineData("""[ { "adapter": "csv" } ]""", "sources[0].options.path: must be set.")]
    [InlineData("""[ { "adapter": "hsds", "options": { "path": "node.pem" } } ]""", "sources[0].adapter: 'hsds' reads service directory content, not case records")]
    public void A_bad_built_in_source_is_named_with_its_setting(string sources, string expected)
    {
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(sources));

        var problems = new NodeSourceFactory(configuration, TimeProvider.System).Check();

        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _node.PathOf("missing.csv")), Assert.Single(problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "sources": [ { "adapter": "xml", "options": { "path": "node.pem" } } ] }""", "serviceDirectory.sources[0].adapter: 'xml' is not a known adapter of service directory content (csv, hsds; no plugins folder is configured).")]
    [InlineData("""{ "sources": [ { "adapter": "csv", "options": { "path": "missing.csv" } } ] }""", "serviceDirectory.sources[0].options.path: file '{0}' does not exist.")]
    public void A_bad_directory_source_is_named_with_its_setting(string serviceDirectory, string expected)
    {
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "adapter": "csv", "options": { "path": "node.pem" } } ]""", $"\"serviceDirectory\": {serviceDirectory},"));

        var problems = new NodeSourceFactory(configuration, TimeProvider.System).Check();

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _node.PathOf("missing.csv")), Assert.Single(problems));
    }

    public void Dispose() => _node.Dispose();
}
