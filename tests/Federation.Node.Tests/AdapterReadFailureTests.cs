using System.Xml;
using Federation.Node.Adapters;

namespace Federation.Node.Tests;

/// <summary>
/// An exception escaping an adapter's read (here a plug-in's <see cref="XmlException"/> on a malformed export) is
/// reported with the configured source, the adapter and its plug-in file, and the last row read; quarantined records
/// name the configured source they came from.
/// </summary>
public sealed class AdapterReadFailureTests : IDisposable
{
    private readonly NodeFolder _node = new();

    [Fact]
    public async Task An_XmlException_escaping_a_plugins_read_names_the_source_the_plugin_and_the_last_row_read()
    {
        var plugins = _node.InstallPlugin();
        await File.WriteAllTextAsync(_node.PathOf("cases.xml"), """
            <cases>
              <case id="NS-1" identified="2024-03-01" status="ActualVictimOfTrafficking" />
              <case id="NS-2" identified="2024-04-01" status="ActualVictimOfTrafficking" />
              <case id="NS-3" identified="2024-05-01" status="ActualVictimOfTrafficking"
            </cases>
            """);
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "name": "intake", "adapter": "xmlcases", "options": { "path": "cases.xml" } } ]""", _node.PinnedPlugins()));

        var failure = await Assert.ThrowsAsync<SourceReadException>(() => new NodeRunner(configuration, TimeProvider.System).ValidateAsync(CancellationToken.None));

        Assert.IsType<XmlException>(failure.InnerException);
        Assert.Equal("intake", failure.SourceName);
        Assert.Equal("xmlcases", failure.AdapterName);
        Assert.Equal("after 2 row(s), the last at 'cases.xml case 2'", failure.Position);
        Assert.StartsWith(
            $"sources[0] 'intake' (adapter 'xmlcases', plug-in '{Path.Combine(plugins, "keyvalue", "Federation.Node.TestPlugin.dll")}'): the read failed after 2 row(s), the last at 'cases.xml case 2': XmlException: ",
            failure.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_that_cannot_be_read_at_all_is_reported_before_the_first_row()
    {
        _node.InstallPlugin();
        await File.WriteAllTextAsync(_node.PathOf("cases.xml"), "not xml at all");
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "name": "intake", "adapter": "xmlcases", "options": { "path": "cases.xml" } } ]""", _node.PinnedPlugins()));

        var failure = await Assert.ThrowsAsync<SourceReadException>(() => new NodeRunner(configuration, TimeProvider.System).PreviewAsync(CancellationToken.None));

        Assert.Equal("before the first row", failure.Position);
    }

    [Fact]
    public async Task A_cancelled_read_stays_a_cancellation_not_a_source_failure()
    {
        _node.InstallPlugin();
        await File.WriteAllTextAsync(_node.PathOf("cases.xml"), """<cases><case id="NS-1" identified="2024-03-01" status="ActualVictimOfTrafficking" /></cases>""");
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "name": "intake", "adapter": "xmlcases", "options": { "path": "cases.xml" } } ]""", _node.PinnedPlugins()));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new NodeRunner(configuration, TimeProvider.System).ValidateAsync(cancelled.Token));
    }

    [Fact]
    public async Task Quarantined_records_name_the_configured_source_they_came_from()
    {
        _node.InstallPlugin();
        await File.WriteAllTextAsync(_node.PathOf("cases.xml"), """<cases><case id="NS-1" identified="2024-03-01" status="ActualVictimOfTrafficking" /></cases>""");
        await File.WriteAllTextAsync(_node.PathOf("cases.txt"), "identified=2024-03-01");
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """
            [ { "name": "archive", "adapter": "xmlcases", "options": { "path": "cases.xml" } },
              { "name": "intake", "adapter": "keyvalue", "options": { "path": "cases.txt" } } ]
            """,
            _node.PinnedPlugins()));

        var result = await new NodeRunner(configuration, TimeProvider.System).ValidateAsync(CancellationToken.None);

        var quarantined = Assert.Single(result.Quarantined);
        Assert.Equal(("intake", "cases.txt line 1"), (quarantined.Source, quarantined.Location));
        Assert.Equal(2, result.RecordsRead);
    }

    [Fact]
    public void Each_source_is_described_with_its_adapter_and_where_the_adapter_comes_from()
    {
        var plugins = _node.InstallPlugin();
        File.WriteAllText(_node.PathOf("cases.csv"), "x");
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """
            [ { "name": "archive", "adapter": "csv", "options": { "path": "cases.csv" } },
              { "name": "intake", "adapter": "xmlcases", "options": { "path": "cases.xml" } } ]
            """,
            _node.PinnedPlugins()));

        var described = new NodeSourceFactory(configuration, TimeProvider.System).Describe(Sdk.Hosting.NodeSourceKind.CaseRecords);

        Assert.Equal(
            ["archive (adapter 'csv', built-in Federation.Sdk.Adapters.Csv)", $"intake (adapter 'xmlcases', plug-in '{Path.Combine(plugins, "keyvalue", "Federation.Node.TestPlugin.dll")}')"],
            described);
    }

    public void Dispose() => _node.Dispose();
}
