namespace Federation.Node.Tests;

/// <summary>
/// A plug-in supplies any catalogue dataset's records: the test plug-in's keyvalue adapter reads court cases for
/// trafficking.prosecutions.v1 (fields mapped by its columns option), and the node quarantines a bad record naming the
/// configured source, the location and the field, never the value.
/// </summary>
public sealed class PluginDatasetRecordsTests : IDisposable
{
    private readonly NodeFolder _node = new();

    [Fact]
    public async Task A_plugin_reads_court_cases_and_a_bad_one_is_quarantined_naming_the_source_and_the_field()
    {
        _node.InstallPlugin();
        await File.WriteAllLinesAsync(_node.PathOf("cases.txt"), ["caseId=NS-V1;identified=2024-03-01;status=ActualVictimOfTrafficking"]);
        await File.WriteAllLinesAsync(_node.PathOf("court.txt"), [
            "file=NS-C1;decision_date=2024-06-12;decision=GUILTY;most_serious_offence=CC_279_01;sentence=CUSTODY;custody_days=700",
            "file=NS-C2;decision_date=2024-09-02;decision=Xq-Convicted;most_serious_offence=CC_279_01",
            "file=NS-C3;decision_date=2024-11-20;decision=ACQUITTED;most_serious_offence=CC_279_02",
        ]);
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "name": "intake", "adapter": "keyvalue", "options": { "path": "cases.txt" } } ]""",
            _node.PinnedPlugins() + """
                "datasets": [ { "datasetId": "trafficking.prosecutions.v1", "referenceYears": [2024],
                  "sources": [ { "name": "court", "adapter": "keyvalue", "options": { "path": "court.txt", "columns": { "case_id": "file" } } } ] } ],
                """));
        Assert.Empty(configuration.Validate());

        var validated = await new NodeRunner(configuration, TimeProvider.System).ValidateAsync(CancellationToken.None);

        var quarantined = Assert.Single(validated.Quarantined);
        Assert.Equal(("court", "court.txt line 2", "NS-C2"), (quarantined.Source, quarantined.Location, quarantined.CaseId));
        Assert.Contains("Decision", quarantined.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Xq-Convicted", quarantined.Reason, StringComparison.Ordinal);
        Assert.Equal((4, 3), (validated.RecordsRead, validated.RecordsAccepted));
    }

    public void Dispose() => _node.Dispose();
}
