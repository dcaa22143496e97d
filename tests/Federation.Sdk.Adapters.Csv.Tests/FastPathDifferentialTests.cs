using System.Globalization;
using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Records;
using Federation.Sdk.Synthetic;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>
/// The pipeline's fast path (the CSV adapter's spans, the compiled validator, flat counts) against its general path
/// (each row read as a record and checked by <see cref="Validation.RecordValidator"/>) over the same generated files
/// with a share of bad rows of every kind: the same true counts in every cell, the same account of rows, and the same
/// quarantine report, row for row and in order, for both datasets.
/// </summary>
public class FastPathDifferentialTests
{
    private static readonly string[] s_victimMutations =
    [
        "gender=feminine", "gender=Fem", "gender= Masculine ", "residence_status=Martian", "residence_status=permanentresident",
        "citizenship=CAN", "citizenship=ca; fr", "citizenship=;;", "citizenship= CA ;PH", "exploitation_types=SexualExploitation;ForcedLabour",
        "exploitation_types=ForcedLabour; Servitude", "exploitation_types=Unknown", "exploitation_types=;", "identification_date=2023-02-30",
        "identification_date=2023-2-3", "identification_date= 2023-05-01 ", "identification_date=2099-01-01", "identification_date=",
        "birth_date=1850-01-01", "birth_date=2030-01-01", "birth_date=01/02/2000", "case_id=", "case_id=  ", "trafficking_status=NotAVictimOfTrafficking",
        "trafficking_status=notavictimoftrafficking|gender=Fem", "trafficking_status=Maybe", "trafficking_status=", "indigenous_identity=metis",
        "relationship_to_trafficker=Stranger", "person_name=\"Doe, Jane\"", "person_name=Line\nbreak", "duplicate", "duplicate",
    ];

    private static readonly string[] s_courtMutations =
    [
        "decision=guilty", "decision=CONVICTED", "decision=", "sentence=PRISON", "sentence=custody", "custody_days=abc", "custody_days=-5",
        "custody_days= 400 ", "custody_days=99999999999999999999", "decision_date=2023-04-31", "decision_date=2099-06-01", "decision_date=",
        "first_appearance_date=2099-01-01", "first_appearance_date=2023-13-01", "accused_birth_date=1800-01-01", "accused_birth_date=2090-01-01",
        "accused_gender=woman", "accused_gender=X", "most_serious_offence=", "most_serious_offence=cc_279_02", "case_id=", "duplicate",
    ];

    [Fact]
    public async Task Victims_fast_path_gives_the_general_paths_counts_and_quarantine()
    {
        using var file = TempCsv.Empty();
        var random = new Random(41);
        // A person key on most rows, some people identified more than once a year: each counts once a year.
        var cases = new[] { 2022, 2023 }.SelectMany((year, i) => SyntheticCaseData.Victims("ON", year, 1500, seed: 7 + i))
            .Select(c => (string[])[.. c.Fields(), random.Next(5) == 0 ? string.Empty : $"P{random.Next(1200)}"]);
        WriteMutated(file.Path, [.. SyntheticCase.Columns, "person_key"], cases, s_victimMutations, random);
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");

        await AssertSameAsync(dataset, new CsvCaseRecordSource(file.Path).AsRecordSource(), [2022, 2023]);
        await AssertSameAsync(dataset, new CsvCaseRecordSource(file.Path).AsRecordSource(), null);
    }

    [Fact]
    public async Task Prosecutions_fast_path_gives_the_general_paths_counts_and_quarantine()
    {
        using var generated = TempCsv.Empty();
        using var file = TempCsv.Empty();
        SyntheticCourtCaseData.WriteCsv(generated.Path, "ON", [2021, 2022, 2023], seed: 5);
        var rows = File.ReadAllLines(generated.Path).Skip(1).Select(line => line.Split(','));
        // Many more cases than the calibration gives a province, so every mutation lands many times.
        var cases = Enumerable.Range(0, 40).SelectMany(copy => rows.Select(fields => fields.Select((f, i) => i == 0 ? $"{f}-{copy}" : f).ToArray()));
        WriteMutated(file.Path, SyntheticCourtCaseData.Columns, cases, s_courtMutations, new Random(43));
        var dataset = DatasetCatalog.Default.Get("trafficking.prosecutions.v1");

        await AssertSameAsync(dataset, new CsvDatasetRecordSource(file.Path, new CsvRecordSourceOptions()), [2021, 2022]);
    }

    [Fact]
    public async Task Ids_repeated_across_sources_read_by_either_path_name_where_each_was_first_seen()
    {
        using var first = TempCsv.Empty();
        using var second = TempCsv.Empty();
        var random = new Random(47);
        var cases = SyntheticCaseData.Victims("NS", 2023, 400, seed: 9).Select(c => c.Fields().ToArray()).ToArray();
        WriteMutated(first.Path, SyntheticCase.Columns, cases.Take(200), s_victimMutations, random);
        WriteMutated(second.Path, SyntheticCase.Columns, cases.Skip(150), s_victimMutations, random);
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        IDatasetRecordSource Source(string path) => new CsvCaseRecordSource(path).AsRecordSource();

        var general = await new StatisticsPipeline(dataset, new TrueCountsKept(), TimeProvider.System)
            .RunAsync([new GeneralPathOnly(Source(first.Path)), new GeneralPathOnly(Source(second.Path))], "NS", "node-ns");
        foreach (IDatasetRecordSource[] sources in (IDatasetRecordSource[][])[
            [Source(first.Path), Source(second.Path)],
            [new GeneralPathOnly(Source(first.Path)), Source(second.Path)],
            [Source(first.Path), new GeneralPathOnly(Source(second.Path))]])
        {
            var result = await new StatisticsPipeline(dataset, new TrueCountsKept(), TimeProvider.System).RunAsync(sources, "NS", "node-ns");
            Assert.Equal(general.Quarantined, result.Quarantined);
        }

        Assert.Contains(general.Quarantined, q => q.Location.StartsWith(Path.GetFileName(second.Path), StringComparison.Ordinal)
            && q.Reason.Contains($"first seen at {Path.GetFileName(first.Path)} line", StringComparison.Ordinal));
    }

    private static async Task AssertSameAsync(DatasetDefinition dataset, IDatasetRecordSource source, IReadOnlyCollection<int>? years)
    {
        var nodeKey = new byte[32];
        new Random(3).NextBytes(nodeKey);
        var fast = new TrueCountsKept();
        var general = new TrueCountsKept();
        var spans = new CountedSpans(source);
        var fastResult = await new StatisticsPipeline(dataset, fast, TimeProvider.System, nodeKey).RunAsync([spans], "ON", "node-on", years);
        var generalResult = await new StatisticsPipeline(dataset, general, TimeProvider.System, nodeKey).RunAsync([new GeneralPathOnly(source)], "ON", "node-on", years);

        // Most rows were settled on the fast path: the general path read only the others.
        Assert.Equal(fastResult.RecordsRead, spans.Rows);
        Assert.InRange(spans.ReadTheGeneralWay, fastResult.Quarantined.Count, fastResult.RecordsRead / 3);

        Assert.Equal(
            (generalResult.RecordsRead, generalResult.RecordsAccepted, generalResult.RecordsOutOfScope),
            (fastResult.RecordsRead, fastResult.RecordsAccepted, fastResult.RecordsOutOfScope));
        Assert.Equal(generalResult.Quarantined, fastResult.Quarantined);
        Assert.Equal(Cells(general.Years), Cells(fast.Years));

        // The files exercise what they are meant to: most rows counted or left out, hundreds quarantined for many reasons.
        Assert.True(
            fastResult.RecordsAccepted + fastResult.RecordsOutOfScope > fastResult.RecordsRead / 2,
            $"{fastResult.RecordsAccepted} accepted and {fastResult.RecordsOutOfScope} out of scope of {fastResult.RecordsRead}");
        Assert.True(fastResult.Quarantined.Count > 100, $"{fastResult.Quarantined.Count} quarantined");
        Assert.True(fastResult.Quarantined.Select(q => q.Reason).Distinct().Count() > 10);
        Assert.True(fastResult.RecordsOutOfScope > 0);
    }

    private static string[] Cells(IReadOnlyList<YearCounts> years) =>
        [.. years.SelectMany(y => y.Tables.SelectMany(t => t.Cells.Select(c => $"{y.ReferenceYear} {t.Table.Id} {string.Join('/', c.Codes)} {c.Value}")))];

    // Rows with one mutation in four (changes to several columns separated by '|'), plus rows no CSV reader reads as a record, blank lines and a line break in a quoted field.
    private static void WriteMutated(string path, IReadOnlyList<string> columns, IEnumerable<string[]> rows, string[] mutations, Random random)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', columns)).Append("\r\n");
        var ids = new List<string>();
        foreach (var fields in rows)
        {
            if (random.Next(4) == 0)
            {
                var mutation = mutations[random.Next(mutations.Length)];
                if (mutation == "duplicate" && ids.Count > 0)
                {
                    fields[0] = ids[random.Next(ids.Count)];
                }
                else
                {
                    foreach (var change in mutation.Split('|'))
                    {
                        var (column, value) = (change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]);
                        if (columns.ToList().IndexOf(column) is var index and >= 0)
                        {
                            fields[index] = value;
                        }
                    }
                }
            }

            ids.Add(fields[0]);
            var line = string.Join(',', fields.Select(Quoted));
            text.Append(random.Next(60) switch
            {
                0 => line[..line.LastIndexOf(',')],
                1 => line + ",extra",
                2 => "\"" + line,
                3 => line.Replace(",", ",\"x\"y,", StringComparison.Ordinal),
                4 => "\r\n" + line,
                5 => line.Replace(",", ",a\"b,", StringComparison.Ordinal),
                _ => line,
            }).Append(random.Next(3) == 0 ? "\n" : "\r\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static string Quoted(string field) =>
        field.StartsWith('"') || !field.AsSpan().ContainsAny(",\r\n\"") ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // The source without its fast path: the pipeline reads each row as a record.
    private sealed class GeneralPathOnly(IDatasetRecordSource source) : IDatasetRecordSource
    {
        public string Name => source.Name;

        public IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, CancellationToken cancellationToken = default) => source.ReadAsync(record, cancellationToken);
    }

    // The source's fast path, counting the rows it gave and those the pipeline asked to read the general way.
    private sealed class CountedSpans(IDatasetRecordSource source) : IDatasetRecordSource, IRecordSpanSource
    {
        public int Rows { get; private set; }

        public int ReadTheGeneralWay { get; private set; }

        public string Name => source.Name;

        public IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, CancellationToken cancellationToken = default) => source.ReadAsync(record, cancellationToken);

        public IRecordSpanCursor? OpenSpans(RecordDefinition record) =>
            ((IRecordSpanSource)source).OpenSpans(record) is { } cursor ? new Cursor(cursor, this) : throw new InvalidOperationException("No fast path.");

        private sealed class Cursor(IRecordSpanCursor cursor, CountedSpans counts) : IRecordSpanCursor
        {
            public bool IsWellFormed => cursor.IsWellFormed;

            public char ListSeparator => cursor.ListSeparator;

            public long Position => cursor.Position;

            public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
            {
                var moved = await cursor.MoveNextAsync(cancellationToken);
                counts.Rows += moved ? 1 : 0;
                return moved;
            }

            public ReadOnlySpan<char> Value(int fieldIndex) => cursor.Value(fieldIndex);

            public string LocationOf(long position) => cursor.LocationOf(position);

            public RecordRow ToRecordRow()
            {
                counts.ReadTheGeneralWay++;
                return cursor.ToRecordRow();
            }

            public ValueTask DisposeAsync() => cursor.DisposeAsync();
        }
    }

    // Keeps the true counts the pipeline hands over; releases nothing.
    private sealed class TrueCountsKept : IReleaseMaker
    {
        public IReadOnlyList<YearCounts> Years { get; private set; } = [];

        public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
        {
            Years = years;
            return [];
        }
    }
}
