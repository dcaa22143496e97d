using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Federation.Sdk.Testing;

/// <summary>
/// The conformance suite every adapter of dataset records passes, once for each dataset of the catalogue: an adapter's
/// test project derives from it and says only how to store records (<see cref="ArrangeAsync"/>) and how to add its
/// source to a node with a columns option (<see cref="AddSource"/>, <see cref="NodeSettings"/>). The records are made
/// from each dataset's record definition (<see cref="ConformanceRecords"/>), with some fields stored under other
/// column names, so the suite proves the adapter maps columns to fields by configuration for any dataset; then that
/// the source streams every record, honours cancellation, refuses a store without a required column, reports bad rows
/// as quarantined with reasons naming the field (never a value), reads deterministically, lets nothing identifying
/// reach a submission, and is added by its <see cref="NodeAdapterAttribute"/> method from node.json options. Every
/// failure starts with the check's name and lists the records that failed it.
/// </summary>
public abstract class RecordSourceConformanceTests : IAsyncLifetime
{
    /// <summary>The jurisdiction the records belong to.</summary>
    protected const string Jurisdiction = "NS";

    private const string SourceName = "conformance";

    /// <summary>
    /// The datasets the suite runs for: every dataset of the SDK's catalogue with a record definition. A derived class
    /// may hide it (<c>public static new IEnumerable&lt;string&gt; Datasets</c>) to add datasets of <see cref="Catalog"/>.
    /// </summary>
    public static IEnumerable<string> Datasets => DatasetCatalog.Default.Datasets.Where(d => d.Record is not null).Select(d => d.Id);

    /// <summary>The catalogue the datasets come from; a derived class adding test datasets returns one that has them.</summary>
    protected virtual DatasetCatalog Catalog => DatasetCatalog.Default;

    /// <summary>
    /// Stores <paramref name="records"/>, in order, where the source added by <see cref="AddSource"/> reads them: each
    /// field in the column <see cref="ConformanceRecords.Columns"/> names, text as given (<see cref="ConformanceRecords.Text"/>),
    /// a list field as the adapter stores lists, null as blank. Called once per read, before <see cref="AddSource"/>.
    /// </summary>
    protected abstract Task ArrangeAsync(ConformanceRecords records, CancellationToken cancellationToken);

    /// <summary>Adds the adapter's source of the arranged records to <paramref name="node"/>, with <paramref name="columns"/> as its columns option.</summary>
    protected abstract void AddSource(INodeBuilder node, string name, IReadOnlyDictionary<string, string> columns);

    /// <summary>The source as node.json gives it for the arranged store, with <paramref name="columns"/> as its columns option.</summary>
    protected abstract NodeSourceSettings NodeSettings(IReadOnlyDictionary<string, string> columns);

    /// <summary>Whether the store can hold a malformed date (text columns); typed date columns cannot.</summary>
    protected virtual bool CanStoreMalformedDates => true;

    /// <summary>
    /// Whether the store names its columns before the first record (a CSV header, a query's result): then a missing
    /// column is refused before the first row. Without (JSON Lines), a missing property is blank in every record.
    /// </summary>
    protected virtual bool StoreNamesItsColumns => true;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_streams_every_record_of_the_dataset(string datasetId)
    {
        var records = Valid(datasetId, 60);
        var rows = await ReadAllAsync(records);

        var read = rows.Where(r => r.Record is not null).Select(r => r.Record!.Text(records.Record.RecordId)).ToHashSet(StringComparer.Ordinal);
        var missing = records.Rows.Select(records.RecordIdOf).Where(id => !read.Contains(id)).ToArray();
        ConformanceCheck.That(missing.Length == 0, $"{missing.Length} of {records.Rows.Count} stored records were not read: {ConformanceCheck.List(missing)}");
        var unreadable = rows.Where(r => r.Error is not null).ToArray();
        ConformanceCheck.That(unreadable.Length == 0, $"{unreadable.Length} valid rows came back unreadable: {ConformanceCheck.List(unreadable.Select(r => $"{r.Location}: {r.Error}"))}");
        ConformanceCheck.That(rows.Count == records.Rows.Count, $"{records.Rows.Count} records stored, {rows.Count} rows read (a row read twice?)");
        var differing = records.Rows.Zip(rows).SelectMany(pair => records.Record.Fields
            .Where(f => !SameValue(pair.First, f, pair.Second.Record))
            .Select(f => $"{pair.Second.Location} {f.Id} (column {records.Columns[f.Index]})")).ToArray();
        ConformanceCheck.That(differing.Length == 0, $"fields read with another value than stored (is the columns option applied?): {ConformanceCheck.List(differing)}");
        var sharedLocations = rows.GroupBy(r => r.Location, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}' ({g.Count()} rows)").ToArray();
        ConformanceCheck.That(sharedLocations.Length == 0, $"rows must each have their own location; shared: {ConformanceCheck.List(sharedLocations)}");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_cancelling_mid_stream_stops_the_read(string datasetId)
    {
        var records = Valid(datasetId, 100);
        using var sources = await ArrangeSourcesAsync(records);
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        Exception? ended = null;
        try
        {
            await foreach (var row in sources.RecordSources[0].Value.ReadAsync(records.Record, cancellation.Token))
            {
                if (++read == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        }
        catch (Exception e)
        {
            ended = e;
        }

        ConformanceCheck.That(ended is OperationCanceledException, ended is null
            ? $"cancelled after row 3 of {records.Rows.Count}, the read went on to the end ({read} rows) without an OperationCanceledException"
            : $"cancelled after row 3, the read ended with {ended.GetType().Name} instead of an OperationCanceledException: {ended.Message}");
        ConformanceCheck.That(read <= 4, $"cancelled after row 3, {read} rows were read before the read stopped (at most 4)");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_a_store_without_a_required_fields_column_is_refused_naming_it(string datasetId)
    {
        var records = Valid(datasetId, 5);
        var period = records.Record.Period;
        var column = records.Columns[period.Index];

        // The columns option names a column the store does not have: the field's column is missing, wherever it is named.
        var columns = new Dictionary<string, string>(records.ColumnsOption, StringComparer.Ordinal) { [period.Id] = "NoSuchColumn" };
        await ArrangeAsync(records, CancellationToken.None);
        var node = new NodeBuilder();
        AddSource(node, SourceName, columns);
        using var sources = node.Build();
        var source = sources.RecordSources[0].Value;
        if (!StoreNamesItsColumns)
        {
            // Without a header, a missing property is a blank value in every record: each is quarantined naming the field.
            var result = await Pipeline(records.Dataset, seed: 1).RunAsync([source], Jurisdiction, "node-conformance");
            var named = result.Quarantined.Count(q => Names(q.Reason, period));
            ConformanceCheck.That(result.RecordsAccepted == 0 && named == records.Rows.Count,
                $"the {period.Id} field's property (mapped to 'NoSuchColumn') is in no record, yet {result.RecordsAccepted} of {records.Rows.Count} records were accepted and {named} quarantined naming {period.Name}");
            return;
        }

        Exception? refused = null;
        var read = 0;
        try
        {
            await foreach (var row in source.ReadAsync(records.Record))
            {
                read++;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            refused = e;
        }

        ConformanceCheck.That(refused is not null && read == 0, refused is null
            ? $"the {period.Id} field's column (mapped to 'NoSuchColumn', stored as '{column}') is missing, yet the read gave {read} rows without an error"
            : $"the read gave {read} rows before refusing the store; a missing column must be refused before the first row");
        ConformanceCheck.That(refused!.Message.Contains("NoSuchColumn", StringComparison.OrdinalIgnoreCase), $"the refusal must name the missing column 'NoSuchColumn': \"{refused.Message}\"");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_bad_rows_are_quarantined_with_a_reason_naming_the_field(string datasetId)
    {
        var (records, defects) = WithDefects(datasetId);

        var result = await RunPipelineAsync(records, seed: 1);

        ConformanceCheck.That(result.RecordsRead == records.Rows.Count, $"{records.Rows.Count} rows stored, {result.RecordsRead} read");
        var planted = defects.Select(d => records.RecordIdOf(d.Row)).ToHashSet(StringComparer.Ordinal);
        var quarantinedValid = result.Quarantined.Where(q => q.CaseId is { } id && !planted.Contains(id)).ToArray();
        ConformanceCheck.That(quarantinedValid.Length == 0, $"valid records were quarantined: {ConformanceCheck.List(quarantinedValid.Select(q => $"{q.CaseId} at {q.Location}: {q.Reason}"))}");
        var unmatched = result.Quarantined.ToList();
        var failures = new List<string>();
        foreach (var (row, field) in defects)
        {
            var id = records.RecordIdOf(row);

            // An unreadable row has no record, so no id: it is matched by the field its reason names.
            var match = unmatched.FirstOrDefault(q => q.CaseId == id && Names(q.Reason, field))
                ?? unmatched.FirstOrDefault(q => q.CaseId is null && Names(q.Reason, field));
            if (match is null)
            {
                failures.Add($"record {id} with a bad {field.Id} was not quarantined with a reason naming {field.Name}");
                continue;
            }

            if (string.IsNullOrWhiteSpace(match.Location))
            {
                failures.Add($"record {id} was quarantined without a location");
            }

            unmatched.Remove(match);
        }

        ConformanceCheck.That(failures.Count == 0, $"{ConformanceCheck.List(failures)}; quarantined: {ConformanceCheck.List(result.Quarantined.Select(q => $"{q.CaseId ?? "(no id)"} at {q.Location}: {q.Reason}"))}");
        var valid = records.Rows.Count - defects.Count;
        ConformanceCheck.That(result.RecordsAccepted + result.RecordsOutOfScope == valid, $"{valid} valid records stored, {result.RecordsAccepted} accepted and {result.RecordsOutOfScope} out of scope");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_reasons_name_the_field_never_its_value(string datasetId)
    {
        var (records, defects) = WithDefects(datasetId);

        var result = await RunPipelineAsync(records, seed: 1);

        // The reason is printed and logged; the record id and location (in their own columns) identify the record. A
        // reason may list the catalogue's codes, but not the bad value itself, nor a date or an identifying value.
        var values = defects.SelectMany(d => records.Record.Fields
                .Where(f => f == d.Field || f.Identifying || f.Kind == RecordFieldKind.Date)
                .Select(f => ConformanceRecords.Text(d.Row, f)))
            .Where(v => v is { Length: > 3 }).Distinct(StringComparer.Ordinal).ToArray();
        var carrying = result.Quarantined
            .SelectMany(q => values.Where(v => q.Reason.Contains(v!, StringComparison.OrdinalIgnoreCase)).Select(v => $"{q.Location}: '{v}' in \"{q.Reason}\""))
            .ToArray();
        ConformanceCheck.That(carrying.Length == 0, $"reasons must name the field and the rule, never the record's values (found {ConformanceCheck.List(carrying)})");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_two_reads_give_identical_records_and_protected_cells(string datasetId)
    {
        var records = Valid(datasetId, 60);
        using var sources = await ArrangeSourcesAsync(records);
        var source = sources.RecordSources[0].Value;

        var first = await ReadRowsAsync(source, records.Record);
        var second = await ReadRowsAsync(source, records.Record);
        var firstRun = await Pipeline(records.Dataset, seed: 5).RunAsync([source], Jurisdiction, "node-conformance");
        var secondRun = await Pipeline(records.Dataset, seed: 5).RunAsync([source], Jurisdiction, "node-conformance");

        var differing = first.Zip(second).Where(pair => Canonical(pair.First) != Canonical(pair.Second)).Select(pair => $"{pair.First.Location} / {pair.Second.Location}").ToArray();
        ConformanceCheck.That(first.Count == second.Count && differing.Length == 0, $"two reads differ: {first.Count} and {second.Count} rows; differing rows (first read / second read): {ConformanceCheck.List(differing)}");
        ConformanceCheck.That(firstRun.Submissions.Count > 0, "the pipeline made no submission from valid records");
        var differingYears = firstRun.Submissions.Zip(secondRun.Submissions).Where(pair => Cells(pair.First) != Cells(pair.Second)).Select(pair => pair.First.ReferenceYear.ToString(CultureInfo.InvariantCulture)).ToArray();
        ConformanceCheck.That(firstRun.Submissions.Count == secondRun.Submissions.Count && differingYears.Length == 0, $"protected cells differ between two runs under one seed, for reference years {ConformanceCheck.List(differingYears)}");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_no_identifying_field_reaches_a_submission(string datasetId)
    {
        var records = Valid(datasetId, 40);
        var result = await RunPipelineAsync(records, seed: 11);
        var bytes = result.Submissions.SelectMany(s => s.ToByteArray()).ToArray();
        var json = string.Concat(result.Submissions.Select(s => JsonFormatter.Default.Format(s)));

        ConformanceCheck.That(result.RecordsAccepted == records.Rows.Count, $"{records.Rows.Count} valid records, {result.RecordsAccepted} accepted: {ConformanceCheck.List(result.Quarantined.Select(q => $"{q.CaseId} at {q.Location}: {q.Reason}"))}");
        var identifying = records.Record.Fields.Where(f => f.Identifying || f == records.Record.RecordId)
            .SelectMany(f => records.Rows.Select(r => ConformanceRecords.Text(r, f)))
            .OfType<string>()
            .SelectMany(text => DateOnly.TryParseExact(text, DatasetRecord.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? [text, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)]
                : new[] { text })
            .Distinct(StringComparer.Ordinal);
        var leaked = identifying.Where(text => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || json.Contains(text, StringComparison.Ordinal)).ToArray();
        ConformanceCheck.That(leaked.Length == 0, $"identifying values reached a submission: {ConformanceCheck.List(leaked)}");
    }

    [Theory]
    [RecordSourceDatasets]
    public async Task Conformance_a_node_adds_the_source_through_its_NodeAdapter_method_from_node_json_options(string datasetId)
    {
        var records = Valid(datasetId, 20);
        var expected = await ReadAllAsync(records);
        var settings = NodeSettings(records.ColumnsOption);
        var sdk = typeof(INodeBuilder).Assembly.GetName().Name;
        var marked = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a) == System.Runtime.Loader.AssemblyLoadContext.Default)
            .Where(a => a.GetReferencedAssemblies().Any(r => r.Name == sdk))
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<NodeAdapterAttribute>()))
            .Where(m => m.Attribute is { Kind: NodeSourceKind.DatasetRecords } a && string.Equals(a.Name, settings.Adapter, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        ConformanceCheck.That(marked.Length == 1, marked.Length == 0
            ? $"no public method marked [NodeAdapter(\"{settings.Adapter}\", NodeSourceKind.DatasetRecords)] in the assemblies loaded by AddSource"
            : $"{marked.Length} methods are marked [NodeAdapter(\"{settings.Adapter}\", NodeSourceKind.DatasetRecords)]: {ConformanceCheck.List(marked.Select(m => $"{m.Method.DeclaringType}.{m.Method.Name}"))}");
        var method = marked[0].Method;
        ConformanceCheck.That(NodeAdapterRules.HasAdapterSignature(method), $"{method.DeclaringType}.{method.Name} is marked [NodeAdapter] but is not '{NodeAdapterRules.Signature}'; the node refuses it");
        ConformanceCheck.That(!marked[0].Attribute!.Name.Any(char.IsUpper), $"the adapter name '{marked[0].Attribute!.Name}' must be lower case");

        var options = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(settings.Options))).Build();
        var node = new NodeBuilder();
        method.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [node, SourceName, options], culture: null);
        ConformanceCheck.That(node.RecordSourceNames.SequenceEqual([SourceName]) && node.CaseSourceNames.Count + node.DirectorySourceNames.Count == 0,
            $"{method.Name} must add exactly one dataset record source named as given ('{SourceName}'); it added {ConformanceCheck.List(node.RecordSourceNames.Concat(node.CaseSourceNames).Concat(node.DirectorySourceNames))}");
        using var sources = node.Build();
        var rows = await ReadRowsAsync(sources.RecordSources[0].Value, records.Record);
        var differing = rows.Zip(expected).Where(pair => Canonical(pair.First) != Canonical(pair.Second)).Select(pair => pair.First.Location).ToArray();
        ConformanceCheck.That(rows.Count == expected.Count && differing.Length == 0,
            $"from node.json options the source read {rows.Count} rows, from AddSource {expected.Count}; differing rows: {ConformanceCheck.List(differing)}");
    }

    private ConformanceRecords Valid(string datasetId, int count) => ConformanceRecords.Valid(Catalog.Get(datasetId), count, seed: 2022);

    /// <summary>The suite's valid records with one defective row per rule, and each defect's field.</summary>
    private (ConformanceRecords Records, List<(object?[] Row, RecordField Field)> Defects) WithDefects(string datasetId)
    {
        var records = Valid(datasetId, 30);
        var record = records.Record;
        var defects = new List<(object?[] Row, RecordField Field)>();
        object?[] Defect(string id, RecordField field, object? value)
        {
            var row = records.NewValidRow(id, seed: 99 + defects.Count);
            row[field.Index] = value;
            defects.Add((row, field));
            return row;
        }

        Defect("BAD-NO-PERIOD", record.Period, null);
        Defect(records.RecordIdOf(records.Rows[7]), record.RecordId, records.RecordIdOf(records.Rows[7]));
        if (record.Derivations.OfType<CodeDerivation>().FirstOrDefault(d => d.Map.Count > 0 && d.Field != record.Period) is { } coded)
        {
            Defect("BAD-CODE", coded.Field, coded.Field.Kind == RecordFieldKind.List ? new[] { "Xq-Unknown-Code" } : "Xq-Unknown-Code");
        }

        if (CanStoreMalformedDates)
        {
            Defect("BAD-DATE", record.Period, "2023-02-30");
        }

        for (var i = 0; i < defects.Count; i++)
        {
            records = records.With(4 + (i * 5), defects[i].Row);
        }

        return (records, defects);
    }

    private static bool SameValue(object?[] stored, RecordField field, DatasetRecord? read) =>
        read is not null && (field.Kind == RecordFieldKind.List
            ? (stored[field.Index] as string[] ?? []).SequenceEqual(read.List(field))
            : ConformanceRecords.Text(stored, field) == read.Text(field));

    private static bool Names(string reason, RecordField field) =>
        reason.Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal)
            .Contains(field.Name, StringComparison.OrdinalIgnoreCase);

    private static string Canonical(RecordRow row) =>
        row.Record is not { } record
            ? $"{row.Location}|{row.Error}"
            : $"{row.Location}|" + string.Join("|", record.Definition.Fields.Select(f => JsonSerializer.Serialize(record.List(f))));

    private static string Cells(Federation.Contracts.V1.Submission submission) =>
        string.Join("|", submission.Tables.Select(t => t.ToByteString().ToBase64()));

    private static StatisticsPipeline Pipeline(DatasetDefinition dataset, int seed) =>
        new(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource((ulong)seed)), TimeProvider.System);

    private async Task<NodeSources> ArrangeSourcesAsync(ConformanceRecords records)
    {
        await ArrangeAsync(records, CancellationToken.None);
        var node = new NodeBuilder();
        AddSource(node, SourceName, records.ColumnsOption);
        var sources = node.Build();
        Assert.Equal(SourceName, Assert.Single(sources.RecordSources).Key);
        return sources;
    }

    private async Task<List<RecordRow>> ReadAllAsync(ConformanceRecords records)
    {
        using var sources = await ArrangeSourcesAsync(records);
        return await ReadRowsAsync(sources.RecordSources[0].Value, records.Record);
    }

    private async Task<PipelineResult> RunPipelineAsync(ConformanceRecords records, int seed)
    {
        using var sources = await ArrangeSourcesAsync(records);
        return await Pipeline(records.Dataset, seed).RunAsync([sources.RecordSources[0].Value], Jurisdiction, "node-conformance");
    }

    private static async Task<List<RecordRow>> ReadRowsAsync(IDatasetRecordSource source, RecordDefinition record)
    {
        var rows = new List<RecordRow>();
        await foreach (var row in source.ReadAsync(record))
        {
            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>
/// The datasets a record source conformance test runs for: the static <c>Datasets</c> of the test's class, the nearest
/// one declared from the derived class up (a derived class can add test datasets by hiding it).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RecordSourceDatasetsAttribute : Xunit.Sdk.DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        for (var type = testMethod.ReflectedType; type is not null; type = type.BaseType)
        {
            if (type.GetProperty(nameof(RecordSourceConformanceTests.Datasets), BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly) is { } property)
            {
                return ((IEnumerable<string>)property.GetValue(null)!).Select(id => new object[] { id }).ToArray();
            }
        }

        throw new InvalidOperationException($"{testMethod.ReflectedType} has no static Datasets property.");
    }
}
