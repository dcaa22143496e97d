using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Federation.Sdk.Synthetic;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>The CSV adapter's dataset records: columns mapped to the catalogue's record fields by configuration.</summary>
public sealed class CsvDatasetRecordSourceTests
{
    private static readonly DatasetDefinition s_prosecutions = DatasetCatalog.Default.Get("trafficking.prosecutions.v1");

    private static async Task<List<RecordRow>> ReadAsync(string path, Action<CsvRecordSourceOptions>? configure = null)
    {
        var node = new NodeBuilder();
        node.AddCsvRecordSource("court", o =>
        {
            o.Path = path;
            configure?.Invoke(o);
        });
        using var sources = node.Build();
        var rows = new List<RecordRow>();
        await foreach (var row in Assert.Single(sources.RecordSources).Value.ReadAsync(s_prosecutions.Record!))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Columns_named_like_the_fields_are_read_and_absent_optional_columns_are_blank()
    {
        using var file = TempCsv.With("CASE_ID,decision_date,decision,most_serious_offence\nON-1,2024-02-10,GUILTY,IRPA_118\n");

        var row = Assert.Single(await ReadAsync(file.Path));

        var record = row.Record!;
        Assert.Equal($"{System.IO.Path.GetFileName(file.Path)} line 2", row.Location);
        Assert.Equal(("ON-1", "IRPA_118", null), (record.Text(s_prosecutions.Record!.RecordId), record.Text(s_prosecutions.Record.Get("most_serious_offence")), record.Text(s_prosecutions.Record.Get("sentence"))));
    }

    [Fact]
    public async Task A_field_is_read_from_the_column_the_options_map_it_to()
    {
        using var file = TempCsv.With("id;DATE_OF_DECISION;decision;most_serious_offence\nON-1;2024-02-10;GUILTY;CC_279_02\n");

        var row = Assert.Single(await ReadAsync(file.Path, o =>
        {
            o.Delimiter = ';';
            o.ListSeparator = '|';
            o.Columns["case_id"] = "id";
            o.Columns["decision_date"] = "date_of_decision";
        }));

        Assert.Equal("2024-02-10", row.Record!.Text(s_prosecutions.Record!.Period));
    }

    [Fact]
    public async Task A_header_without_a_required_field_s_column_is_refused_before_the_first_row()
    {
        using var file = TempCsv.With("case_id,decision_date,most_serious_offence\nON-1,2024-02-10,IRPA_118\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(file.Path));

        Assert.EndsWith("the header lacks the column(s) decision.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapping_to_a_field_the_record_does_not_have_is_refused()
    {
        using var file = TempCsv.With(string.Join(',', SyntheticCourtCaseData.Columns) + "\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(file.Path, o => o.Columns["verdict"] = "decision"));

        Assert.Contains("columns names field(s) verdict that the dataset's record does not have", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_column_mapping_is_refused_at_start_up_naming_the_option()
    {
        var node = new NodeBuilder();
        node.AddCsvRecordSource("court", o =>
        {
            o.Path = "/nonexistent/court.csv";
            o.Columns["decision"] = " ";
        });

        var failures = Assert.Throws<OptionsValidationException>(() => node.Build().Dispose()).Failures;

        Assert.Contains("columns.decision: must name a column.", failures);
        Assert.Contains(failures, f => f.StartsWith("path: file ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Synthetic_court_cases_are_all_read_and_all_but_the_planted_ones_accepted()
    {
        using var file = TempCsv.Empty();
        var rows = SyntheticCourtCaseData.WriteCsv(file.Path, "ON", [2022, 2023], seed: 7);
        var node = new NodeBuilder();
        node.AddCsvRecordSource("court", o => o.Path = file.Path);
        using var sources = node.Build();
        var pipeline = new Pipeline.StatisticsPipeline(
            s_prosecutions, new Protection.PolicyNoise(s_prosecutions.Protection, new Privacy.SeededRandomBitSource(1)), TimeProvider.System);

        var result = await pipeline.RunAsync([sources.RecordSources[0].Value], "ON", "node-on", [2022, 2023]);

        var expected = SyntheticCourtCaseData.ExpectedCases("ON", 2022) + SyntheticCourtCaseData.ExpectedCases("ON", 2023);
        Assert.Equal((rows, expected), (result.RecordsRead, result.RecordsAccepted));
        Assert.All(result.Quarantined, q => Assert.StartsWith("Decision is not a known value", q.Reason, StringComparison.Ordinal));
        Assert.Equal([2022, 2023], result.Submissions.Select(s => s.ReferenceYear));
    }
}
