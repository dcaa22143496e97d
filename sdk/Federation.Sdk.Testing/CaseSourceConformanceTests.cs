using System.Text;
using System.Text.Json;
using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Google.Protobuf;
using Xunit;

namespace Federation.Sdk.Testing;

/// <summary>
/// The conformance suite every case-record adapter passes. An adapter's test project derives from it and says only
/// how to store a synthetic dataset (<see cref="ArrangeAsync"/>) and how to add its source to a node
/// (<see cref="AddSource"/>); the suite proves the source streams every record, honours cancellation, reports bad rows
/// as quarantined with reasons naming the field, maps deterministically, and lets nothing identifying reach a
/// submission. xunit runs each inherited test once per derived class, each on a new instance.
/// </summary>
public abstract class CaseSourceConformanceTests : IAsyncLifetime
{
    /// <summary>The jurisdiction the synthetic cases belong to.</summary>
    protected const string Jurisdiction = "NS";

    private const string SourceName = "conformance";
    private const string DatasetId = "trafficking.victims.v1";

    /// <summary>
    /// Stores <paramref name="cases"/>, in order, where the source added by <see cref="AddSource"/> reads them: the CSV
    /// adapter's default columns (<see cref="SyntheticCase.Columns"/>), text as given, list fields ';'-separated, blank
    /// text and absent dates as "not recorded", <see cref="SyntheticCase.IdentificationDateText"/> in place of the
    /// identification date when set. Called once per test, before <see cref="AddSource"/>.
    /// </summary>
    protected abstract Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken);

    /// <summary>Adds the adapter's source of the arranged cases to <paramref name="node"/> under <paramref name="name"/>.</summary>
    protected abstract void AddSource(INodeBuilder node, string name);

    /// <summary>Whether the store can hold a malformed date (text columns); typed date columns cannot.</summary>
    protected virtual bool CanStoreMalformedDates => true;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Conformance_streams_every_record_in_the_store()
    {
        var cases = Valid(120);
        var rows = await ReadAllAsync(cases);

        Assert.Equal(cases.Count, rows.Count);
        Assert.All(rows, row => Assert.Null(row.Error));
        Assert.Equal(cases.Select(c => c.CaseId).Order(StringComparer.Ordinal), rows.Select(r => r.Record!.CaseId).Order(StringComparer.Ordinal));
        Assert.Equal(rows.Count, rows.Select(r => r.Location).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Conformance_cancelling_mid_stream_stops_the_read()
    {
        var cases = Valid(200);
        using var sources = await ArrangeSourcesAsync(cases);
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in sources.CaseSources[0].Value.ReadAsync(cancellation.Token))
            {
                if (++read == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        // Rows already read may be in flight, but the stream stops at once instead of reading on to the end.
        Assert.InRange(read, 3, 4);
    }

    [Fact]
    public async Task Conformance_bad_rows_are_quarantined_with_a_reason_naming_the_field()
    {
        var valid = Valid(40);
        var template = SyntheticCaseData.Victims(Jurisdiction, 2023, 1, seed: 99)[0];
        var defects = new List<(SyntheticCase Row, string Field)>
        {
            (template with { CaseId = "BAD-GENDER", Gender = "Fem" }, nameof(CaseRecord.Gender)),
            (template with { CaseId = "BAD-BIRTH", BirthDate = template.IdentificationDate.AddDays(30) }, nameof(CaseRecord.BirthDate)),
            (template with { CaseId = "NO-DATE", IdentificationDateText = string.Empty }, nameof(CaseRecord.IdentificationDate)),
            (template with { CaseId = valid[7].CaseId }, nameof(CaseRecord.CaseId)),
        };
        if (CanStoreMalformedDates)
        {
            defects.Add((template with { CaseId = "BAD-DATE", IdentificationDateText = "2023-02-30" }, nameof(CaseRecord.IdentificationDate)));
        }

        var cases = valid.ToList();
        for (var i = 0; i < defects.Count; i++)
        {
            cases.Insert(10 + (i * 6), defects[i].Row);
        }

        var result = await RunPipelineAsync(cases, seed: 1);

        Assert.Equal(cases.Count, result.RecordsRead);
        Assert.Equal(valid.Count, result.RecordsAccepted);
        Assert.Equal(defects.Count, result.Quarantined.Count);
        var unmatched = result.Quarantined.ToList();
        foreach (var (row, field) in defects)
        {
            // An unreadable row has no record, so no case id: it is matched by the field its reason names.
            var match = unmatched.FirstOrDefault(q => q.CaseId == row.CaseId && Names(q.Reason, field))
                ?? unmatched.FirstOrDefault(q => q.CaseId is null && Names(q.Reason, field));
            Assert.True(match is not null, $"case {row.CaseId} with a bad {field} was not quarantined with a reason naming {field}: {string.Join(" | ", result.Quarantined)}");
            Assert.False(string.IsNullOrWhiteSpace(match!.Location));
            unmatched.Remove(match);
        }
    }

    [Fact]
    public async Task Conformance_two_reads_map_to_identical_records_and_protected_cells()
    {
        var cases = Valid(80);
        using var sources = await ArrangeSourcesAsync(cases);
        var source = sources.CaseSources[0].Value;

        var first = await ReadRowsAsync(source);
        var second = await ReadRowsAsync(source);
        var firstRun = await Pipeline(seed: 5).RunAsync(source, Jurisdiction, "node-conformance");
        var secondRun = await Pipeline(seed: 5).RunAsync(source, Jurisdiction, "node-conformance");

        Assert.Equal(first.Select(Canonical), second.Select(Canonical));
        Assert.Equal(firstRun.Submissions.Count, secondRun.Submissions.Count);
        Assert.NotEmpty(firstRun.Submissions);
        Assert.Equal(firstRun.Submissions.Select(Cells), secondRun.Submissions.Select(Cells));
    }

    [Fact]
    public async Task Conformance_no_identifying_field_reaches_a_submission()
    {
        var cases = Valid(60);
        var result = await RunPipelineAsync(cases, seed: 11);
        var bytes = result.Submissions.SelectMany(s => s.ToByteArray()).ToArray();
        var json = string.Concat(result.Submissions.Select(s => JsonFormatter.Default.Format(s)));

        Assert.Equal(cases.Count, result.RecordsAccepted);
        var identifying = cases.Select(c => c.PersonName)
            .Concat(cases.Select(c => c.CaseId))
            .Concat(cases.Where(c => c.BirthDate is not null).SelectMany(c => new[] { c.BirthDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), c.BirthDate.Value.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) }))
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .Distinct(StringComparer.Ordinal);
        foreach (var text in identifying)
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0, $"'{text}' reached the submission bytes");
            Assert.DoesNotContain(text, json, StringComparison.Ordinal);
        }
    }

    private static IReadOnlyList<SyntheticCase> Valid(int count) =>
        [.. SyntheticCaseData.Victims(Jurisdiction, 2022, count / 2, seed: 2022), .. SyntheticCaseData.Victims(Jurisdiction, 2023, count - (count / 2), seed: 2023)];

    private static bool Names(string reason, string field) =>
        reason.Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal)
            .Contains(field, StringComparison.OrdinalIgnoreCase);

    private static string Canonical(SourceRow row) => JsonSerializer.Serialize(row);

    private static string Cells(Federation.Contracts.V1.Submission submission) =>
        string.Join("|", submission.Tables.Select(t => t.ToByteString().ToBase64()));

    private static CaseStatisticsPipeline Pipeline(int seed)
    {
        var dataset = DatasetCatalog.Default.Get(DatasetId);
        return new CaseStatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource((ulong)seed)), TimeProvider.System);
    }

    private async Task<NodeSources> ArrangeSourcesAsync(IReadOnlyList<SyntheticCase> cases)
    {
        await ArrangeAsync(cases, CancellationToken.None);
        var node = new NodeBuilder();
        AddSource(node, SourceName);
        var sources = node.Build();
        Assert.Equal(SourceName, Assert.Single(sources.CaseSources).Key);
        return sources;
    }

    private async Task<List<SourceRow>> ReadAllAsync(IReadOnlyList<SyntheticCase> cases)
    {
        using var sources = await ArrangeSourcesAsync(cases);
        return await ReadRowsAsync(sources.CaseSources[0].Value);
    }

    private async Task<PipelineResult> RunPipelineAsync(IReadOnlyList<SyntheticCase> cases, int seed)
    {
        using var sources = await ArrangeSourcesAsync(cases);
        return await Pipeline(seed).RunAsync(sources.CaseSources[0].Value, Jurisdiction, "node-conformance");
    }

    private static async Task<List<SourceRow>> ReadRowsAsync(ICaseRecordSource source)
    {
        var rows = new List<SourceRow>();
        await foreach (var row in source.ReadAsync())
        {
            rows.Add(row);
        }

        return rows;
    }
}
