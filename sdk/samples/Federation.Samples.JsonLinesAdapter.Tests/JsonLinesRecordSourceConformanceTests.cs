using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Sdk.Catalog;
using Federation.Sdk.Hosting;
using Federation.Sdk.Testing;

namespace Federation.Samples.JsonLinesAdapter.Tests;

/// <summary>
/// The sample adapter passes the SDK's record source conformance suite for every catalogue dataset, reading a real JSON
/// Lines file: a property per field, lists as arrays, numbers as JSON numbers, dates as text.
/// </summary>
public sealed class JsonLinesRecordSourceConformanceTests : RecordSourceConformanceTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"records-{Guid.NewGuid():N}.jsonl");

    protected override bool StoreNamesItsColumns => false;

    protected override async Task ArrangeAsync(ConformanceRecords records, CancellationToken cancellationToken)
    {
        var lines = records.Rows.Select(row =>
        {
            var line = new JsonObject();
            foreach (var field in records.Record.Fields)
            {
                line[records.Columns[field.Index]] = row[field.Index] switch
                {
                    null => null,
                    string[] list => new JsonArray([.. list.Select(v => JsonValue.Create(v))]),
                    string number when field.Kind == RecordFieldKind.Number => JsonValue.Create(long.Parse(number, CultureInfo.InvariantCulture)),
                    var text => JsonValue.Create((string)text),
                };
            }

            return line.ToJsonString();
        });
        await File.WriteAllLinesAsync(_path, lines, cancellationToken);
    }

    protected override void AddSource(INodeBuilder node, string name, IReadOnlyDictionary<string, string> columns) =>
        node.AddJsonLinesRecordSource(name, options =>
        {
            options.Path = _path;
            options.Columns = new Dictionary<string, string>(columns, StringComparer.Ordinal);
        });

    protected override NodeSourceSettings NodeSettings(IReadOnlyDictionary<string, string> columns) =>
        new(JsonLinesNodeBuilderExtensions.AdapterName, JsonSerializer.Serialize(new { path = _path, columns }));

    public void Dispose() => File.Delete(_path);
}
