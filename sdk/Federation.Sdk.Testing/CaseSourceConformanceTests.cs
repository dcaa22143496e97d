using System.Reflection;
using System.Text;
using System.Text.Json;
using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Federation.Sdk.Synthetic;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Federation.Sdk.Testing;

/// <summary>
/// The conformance suite every case-record adapter passes. An adapter's test project derives from it and says only
/// how to store a synthetic dataset (<see cref="ArrangeAsync"/>) and how to add its source to a node
/// (<see cref="AddSource"/>); the suite proves the source streams every record, honours cancellation, reports bad rows
/// as quarantined with reasons naming the field (never a value), maps deterministically, lets nothing identifying
/// reach a submission, and is added by its <see cref="NodeAdapterAttribute"/> method from node.json options as a node
/// adds it (<see cref="NodeSettings"/>). Every failure starts with the check's name and lists the cases that failed it.
/// xunit runs each inherited test once per derived class, each on a new instance.
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

    /// <summary>
    /// The source as a node's configuration file gives it for the arranged store: the adapter's name and its options
    /// (a JSON object, as under <c>"options"</c> in node.json). The suite adds the source through the adapter's
    /// <see cref="NodeAdapterAttribute"/> method with them, as a node does, and expects the rows <see cref="AddSource"/> gives.
    /// </summary>
    protected abstract NodeSourceSettings NodeSettings { get; }

    /// <summary>Whether the store can hold a malformed date (text columns); typed date columns cannot.</summary>
    protected virtual bool CanStoreMalformedDates => true;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Conformance_streams_every_record_in_the_store()
    {
        var cases = Valid(120);
        var rows = await ReadAllAsync(cases);

        var read = rows.Where(r => r.Record is not null).Select(r => r.Record!.CaseId).ToHashSet(StringComparer.Ordinal);
        var missing = cases.Select(c => c.CaseId).Where(id => !read.Contains(id)).ToArray();
        ConformanceCheck.That(missing.Length == 0, $"{missing.Length} of {cases.Count} stored cases were not read: {ConformanceCheck.List(missing)}");
        var unreadable = rows.Where(r => r.Error is not null).ToArray();
        ConformanceCheck.That(unreadable.Length == 0, $"{unreadable.Length} valid rows came back unreadable: {ConformanceCheck.List(unreadable.Select(r => $"{r.Location}: {r.Error}"))}");
        ConformanceCheck.That(rows.Count == cases.Count, $"{cases.Count} cases stored, {rows.Count} rows read (a row read twice?)");
        var sharedLocations = rows.GroupBy(r => r.Location, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}' ({g.Count()} rows)").ToArray();
        ConformanceCheck.That(sharedLocations.Length == 0, $"rows must each have their own location; shared: {ConformanceCheck.List(sharedLocations)}");
    }

    [Fact]
    public async Task Conformance_cancelling_mid_stream_stops_the_read()
    {
        var cases = Valid(200);
        using var sources = await ArrangeSourcesAsync(cases);
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        Exception? ended = null;
        try
        {
            await foreach (var row in sources.CaseSources[0].Value.ReadAsync(cancellation.Token))
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
            ? $"cancelled after row 3 of {cases.Count}, the read went on to the end ({read} rows) without an OperationCanceledException"
            : $"cancelled after row 3, the read ended with {ended.GetType().Name} instead of an OperationCanceledException: {ended.Message}");

        // Rows already read may be in flight, but the stream stops at once instead of reading on to the end.
        ConformanceCheck.That(read <= 4, $"cancelled after row 3, {read} rows were read before the read stopped (at most 4)");
    }

    [Fact]
    public async Task Conformance_bad_rows_are_quarantined_with_a_reason_naming_the_field()
    {
        var (valid, defects, cases) = WithDefects();

        var result = await RunPipelineAsync(cases, seed: 1);

        ConformanceCheck.That(result.RecordsRead == cases.Count, $"{cases.Count} rows stored, {result.RecordsRead} read");
        var quarantinedValid = result.Quarantined.Where(q => q.CaseId is { } id && valid.Any(v => v.CaseId == id) && defects.All(d => d.Row.CaseId != id)).ToArray();
        ConformanceCheck.That(quarantinedValid.Length == 0, $"valid cases were quarantined: {ConformanceCheck.List(quarantinedValid.Select(q => $"{q.CaseId} at {q.Location}: {q.Reason}"))}");
        var unmatched = result.Quarantined.ToList();
        var failures = new List<string>();
        foreach (var (row, field) in defects)
        {
            // An unreadable row has no record, so no case id: it is matched by the field its reason names.
            var match = unmatched.FirstOrDefault(q => q.CaseId == row.CaseId && Names(q.Reason, field))
                ?? unmatched.FirstOrDefault(q => q.CaseId is null && Names(q.Reason, field));
            if (match is null)
            {
                failures.Add($"case {row.CaseId} with a bad {field} was not quarantined with a reason naming {field}");
            }
            else if (string.IsNullOrWhiteSpace(match.Location))
            {
                failures.Add($"case {row.CaseId} was quarantined without a location");
            }

            unmatched.Remove(match!);
        }

        ConformanceCheck.That(failures.Count == 0, $"{ConformanceCheck.List(failures)}; quarantined: {ConformanceCheck.List(result.Quarantined.Select(q => $"{q.CaseId ?? "(no id)"} at {q.Location}: {q.Reason}"))}");
        ConformanceCheck.That(result.RecordsAccepted == valid.Count, $"{valid.Count} valid cases stored, {result.RecordsAccepted} accepted");
    }

    [Fact]
    public async Task Conformance_reasons_name_the_field_never_its_value()
    {
        var (_, defects, cases) = WithDefects();
        var planted = cases.Where(c => defects.Any(d => d.Row.CaseId == c.CaseId)).ToArray();

        var result = await RunPipelineAsync(cases, seed: 1);

        // The reason is printed and logged; the case id and location (in their own columns) identify the record.
        var values = planted.SelectMany(c => new[]
            {
                c.PersonName, c.IdentificationDateText,
                c.BirthDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                c.IdentificationDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            })
            .Append(defects.Single(d => d.Row.CaseId == "BAD-GENDER").Row.Gender)
            .Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToArray();
        var carrying = result.Quarantined
            .SelectMany(q => values.Where(v => q.Reason.Contains(v!, StringComparison.OrdinalIgnoreCase)).Select(v => $"{q.Location}: '{v}' in \"{q.Reason}\""))
            .ToArray();
        ConformanceCheck.That(carrying.Length == 0, $"reasons must name the field and the rule, never the record's values (found {ConformanceCheck.List(carrying)})");
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

        var differing = first.Zip(second).Where(pair => Canonical(pair.First) != Canonical(pair.Second)).Select(pair => $"{pair.First.Location} / {pair.Second.Location}").ToArray();
        ConformanceCheck.That(first.Count == second.Count && differing.Length == 0, $"two reads differ: {first.Count} and {second.Count} rows; differing rows (first read / second read): {ConformanceCheck.List(differing)}");
        ConformanceCheck.That(firstRun.Submissions.Count > 0, "the pipeline made no submission from valid cases");
        var differingYears = firstRun.Submissions.Zip(secondRun.Submissions).Where(pair => Cells(pair.First) != Cells(pair.Second)).Select(pair => pair.First.ReferenceYear.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        ConformanceCheck.That(firstRun.Submissions.Count == secondRun.Submissions.Count && differingYears.Length == 0, $"protected cells differ between two runs under one seed, for reference years {ConformanceCheck.List(differingYears)}");
    }

    [Fact]
    public async Task Conformance_no_identifying_field_reaches_a_submission()
    {
        var cases = Valid(60);
        var result = await RunPipelineAsync(cases, seed: 11);
        var bytes = result.Submissions.SelectMany(s => s.ToByteArray()).ToArray();
        var json = string.Concat(result.Submissions.Select(s => JsonFormatter.Default.Format(s)));

        ConformanceCheck.That(result.RecordsAccepted == cases.Count, $"{cases.Count} valid cases, {result.RecordsAccepted} accepted: {ConformanceCheck.List(result.Quarantined.Select(q => $"{q.CaseId} at {q.Location}: {q.Reason}"))}");
        var identifying = cases.Select(c => c.PersonName)
            .Concat(cases.Select(c => c.CaseId))
            .Concat(cases.Where(c => c.BirthDate is not null).SelectMany(c => new[] { c.BirthDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), c.BirthDate.Value.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) }))
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .Distinct(StringComparer.Ordinal);
        var leaked = identifying.Where(text => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || json.Contains(text, StringComparison.Ordinal)).ToArray();
        ConformanceCheck.That(leaked.Length == 0, $"identifying values reached a submission: {ConformanceCheck.List(leaked)}");
    }

    [Fact]
    public async Task Conformance_a_node_adds_the_source_through_its_NodeAdapter_method_from_node_json_options()
    {
        var cases = Valid(30);
        var expected = await ReadAllAsync(cases);
        var settings = NodeSettings;
        var sdk = typeof(INodeBuilder).Assembly.GetName().Name;
        var marked = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a) == System.Runtime.Loader.AssemblyLoadContext.Default)
            .Where(a => a.GetReferencedAssemblies().Any(r => r.Name == sdk))
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<NodeAdapterAttribute>()))
            .Where(m => m.Attribute is { Kind: NodeSourceKind.CaseRecords } a && string.Equals(a.Name, settings.Adapter, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        ConformanceCheck.That(marked.Length == 1, marked.Length == 0
            ? $"no public method marked [NodeAdapter(\"{settings.Adapter}\", NodeSourceKind.CaseRecords)] in the assemblies loaded by AddSource"
            : $"{marked.Length} methods are marked [NodeAdapter(\"{settings.Adapter}\")]: {ConformanceCheck.List(marked.Select(m => $"{m.Method.DeclaringType}.{m.Method.Name}"))}");
        var method = marked[0].Method;
        ConformanceCheck.That(NodeAdapterRules.HasAdapterSignature(method), $"{method.DeclaringType}.{method.Name} is marked [NodeAdapter] but is not '{NodeAdapterRules.Signature}'; the node refuses it");
        ConformanceCheck.That(!marked[0].Attribute!.Name.Any(char.IsUpper), $"the adapter name '{marked[0].Attribute!.Name}' must be lower case");

        var options = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(settings.Options))).Build();
        var node = new NodeBuilder();
        method.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [node, SourceName, options], culture: null);
        ConformanceCheck.That(node.CaseSourceNames.SequenceEqual([SourceName]) && node.DirectorySourceNames.Count == 0,
            $"{method.Name} must add exactly one case record source named as given ('{SourceName}'); it added {ConformanceCheck.List(node.CaseSourceNames.Concat(node.DirectorySourceNames))}");
        using var sources = node.Build();
        var rows = await ReadRowsAsync(sources.CaseSources[0].Value);
        var differing = rows.Zip(expected).Where(pair => Canonical(pair.First) != Canonical(pair.Second)).Select(pair => pair.First.Location).ToArray();
        ConformanceCheck.That(rows.Count == expected.Count && differing.Length == 0,
            $"from node.json options the source read {rows.Count} rows, from AddSource {expected.Count}; differing rows: {ConformanceCheck.List(differing)}");
    }

    private static IReadOnlyList<SyntheticCase> Valid(int count) =>
        [.. SyntheticCaseData.Victims(Jurisdiction, 2022, count / 2, seed: 2022), .. SyntheticCaseData.Victims(Jurisdiction, 2023, count - (count / 2), seed: 2023)];

    /// <summary>The suite's valid cases with one defective row per rule, and each defect's field.</summary>
    private (IReadOnlyList<SyntheticCase> Valid, List<(SyntheticCase Row, string Field)> Defects, List<SyntheticCase> Cases) WithDefects()
    {
        var valid = Valid(40);
        var template = SyntheticCaseData.Victims(Jurisdiction, 2023, 1, seed: 99)[0];
        var defects = new List<(SyntheticCase Row, string Field)>
        {
            (template with { CaseId = "BAD-GENDER", Gender = "Fille-Xq" }, nameof(CaseRecord.Gender)),
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

        return (valid, defects, cases);
    }

    private static bool Names(string reason, string field) =>
        reason.Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal)
            .Contains(field, StringComparison.OrdinalIgnoreCase);

    private static string Canonical(SourceRow row) => JsonSerializer.Serialize(row);

    private static string Cells(Federation.Contracts.V1.Submission submission) =>
        string.Join("|", submission.Tables.Select(t => t.ToByteString().ToBase64()));

    private static StatisticsPipeline Pipeline(int seed)
    {
        var dataset = DatasetCatalog.Default.Get(DatasetId);
        return new StatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource((ulong)seed)), TimeProvider.System);
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

/// <summary>A source as a node's configuration file gives it: the adapter's name and its options, a JSON object.</summary>
public sealed record NodeSourceSettings(string Adapter, string Options);
