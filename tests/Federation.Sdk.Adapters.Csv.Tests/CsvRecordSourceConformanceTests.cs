using System.Text.Json;
using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Testing;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>
/// The CSV record source passes the SDK's record source conformance suite for every catalogue dataset, and for the test
/// dataset defined only as data (tests/testdata/catalog), reading a real file.
/// </summary>
public sealed class CsvRecordSourceConformanceTests : RecordSourceConformanceTests
{
    private const string TestDataset = "test.hotline-calls.v1";

    private static readonly Lazy<DatasetCatalog> s_catalog = new(() => DatasetCatalog.WithDocumentsIn(Path.Combine(AppContext.BaseDirectory, "catalog")));

    private readonly TempCsv _file = TempCsv.Empty();

    /// <summary>The SDK's datasets and the test dataset.</summary>
    public static new IEnumerable<string> Datasets => [.. RecordSourceConformanceTests.Datasets, TestDataset];

    protected override DatasetCatalog Catalog => s_catalog.Value;

    protected override Task ArrangeAsync(ConformanceRecords records, CancellationToken cancellationToken)
    {
        records.WriteCsv(_file.Path);
        return Task.CompletedTask;
    }

    protected override void AddSource(INodeBuilder node, string name, IReadOnlyDictionary<string, string> columns) =>
        node.AddCsvRecordSource(name, o =>
        {
            o.Path = _file.Path;
            o.Columns = new Dictionary<string, string>(columns, StringComparer.Ordinal);
        });

    protected override NodeSourceSettings NodeSettings(IReadOnlyDictionary<string, string> columns) =>
        new("csv", JsonSerializer.Serialize(new { path = _file.Path, columns }));

    public override Task DisposeAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
