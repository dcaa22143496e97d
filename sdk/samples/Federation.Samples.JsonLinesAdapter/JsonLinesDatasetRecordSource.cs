using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>
/// Reads a dataset's records from a JSON Lines export (UTF-8, one JSON object per line), streaming one line at a time:
/// each catalogue field from its property (named like the field, or as <see cref="JsonLinesRecordSourceOptions.Columns"/>
/// says). Text and numbers are kept as written (numbers in invariant form), a list field is an array of text, a date
/// field is text in the configured date format. A line that cannot be read is returned with its error and line number.
/// </summary>
internal sealed class JsonLinesDatasetRecordSource : IDatasetRecordSource
{
    private readonly string _path;
    private readonly JsonLinesRecordSourceOptions _options;

    /// <summary>Reads <paramref name="path"/> (already resolved) with options that passed validation.</summary>
    public JsonLinesDatasetRecordSource(string path, JsonLinesRecordSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        _path = path;
        _options = options;
        Name = Path.GetFileName(path);
    }

    public string Name { get; }

    public async IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var unknown = _options.Columns.Keys.Where(id => record.Find(id) is null).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidDataException(
                $"{Name}: columns names field(s) {string.Join(", ", unknown)} that the dataset's record does not have ({string.Join(", ", record.Fields.Select(f => f.Id))}).");
        }

        var properties = record.Fields.Select(f => (Field: f, Path: _options.Columns.GetValueOrDefault(f.Id, f.Id).Split('.'))).ToArray();
        await foreach (var (line, location) in JsonLinesFile.ReadAsync(_path, Name, cancellationToken))
        {
            yield return ToRow(record, properties, line, location);
        }
    }

    private RecordRow ToRow(RecordDefinition record, (RecordField Field, string[] Path)[] properties, string line, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            // The parser's message can quote the line's text; its position is enough to find the fault.
            return RecordRow.Unreadable(location, $"the line is not valid JSON (at character {e.BytePositionInLine + 1})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return RecordRow.Unreadable(location, $"the line is a JSON {document.RootElement.ValueKind}, not an object");
            }

            var problems = new List<string>();
            var values = new DatasetRecord(record);
            foreach (var (field, path) in properties)
            {
                if (Find(document.RootElement, path) is { } value)
                {
                    Set(values, field, string.Join('.', path), value, problems);
                }
            }

            return problems.Count == 0 ? RecordRow.Read(location, values) : RecordRow.Unreadable(location, string.Join("; ", problems));
        }
    }

    /// <summary>The property at <paramref name="path"/>, or null when it (or an object on the way) is absent or JSON null.</summary>
    private static JsonElement? Find(JsonElement root, string[] path)
    {
        var element = root;
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.Null ? null : element;
    }

    private void Set(DatasetRecord values, RecordField field, string property, JsonElement value, List<string> problems)
    {
        switch (field.Kind)
        {
            case RecordFieldKind.List when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String):
                values.SetList(field, [.. value.EnumerateArray().Select(item => item.GetString()!)]);
                break;
            case RecordFieldKind.List:
                problems.Add($"{field.Name}: property {property} must be an array of text values, not a JSON {value.ValueKind}");
                break;
            case RecordFieldKind.Date when value.ValueKind == JsonValueKind.String:
                if (string.IsNullOrWhiteSpace(value.GetString()))
                {
                    break;
                }

                if (DateOnly.TryParseExact(value.GetString()!.Trim(), _options.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    values.SetDate(field, date);
                }
                else
                {
                    problems.Add($"{field.Name}: property {property} is not a date in {_options.DateFormat} form");
                }

                break;
            case RecordFieldKind.Number when value.ValueKind == JsonValueKind.Number:
                values.Set(field, value.GetRawText());
                break;
            case not RecordFieldKind.Date when value.ValueKind == JsonValueKind.String:
                values.Set(field, value.GetString());
                break;
            default:
                problems.Add($"{field.Name}: property {property} must be {(field.Kind == RecordFieldKind.Number ? "a number or text" : "text")}, not a JSON {value.ValueKind}");
                break;
        }
    }
}
