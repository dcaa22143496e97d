using System.Runtime.CompilerServices;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Reads a dataset's records from a UTF-8 CSV file (RFC 4180, header row required), streaming one row at a time: each
/// catalogue field from its column (named like the field, or as <see cref="CsvRecordSourceOptions.Columns"/> says).
/// A required field's column must be in the header; an optional field's column may be left out (the field is blank).
/// </summary>
internal sealed class CsvDatasetRecordSource : IDatasetRecordSource, IRecordSpanSource
{
    private readonly string _path;
    private readonly CsvRecordSourceOptions _options;

    /// <summary>Reads <paramref name="path"/> (already resolved) with options that passed validation.</summary>
    public CsvDatasetRecordSource(string path, CsvRecordSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _options = options;
        Name = System.IO.Path.GetFileName(path);
    }

    public string Name { get; }

    public async IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var file = await CsvFile.OpenAsync(_path, _options.Delimiter, cancellationToken);
        var columns = ColumnsOf(record, file.Header);
        while (await file.Records.ReadAsync(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = file.Records;
            yield return ToRecordRow(record, columns, file.Header.Count, row.ToRecord(), file.LocationOf(row.LineNumber));
        }
    }

    public IRecordSpanCursor OpenSpans(RecordDefinition record)
    {
        ArgumentNullException.ThrowIfNull(record);
        int?[]? columns = null;
        return new CsvRecordSpanCursor(
            cancellationToken => CsvFile.OpenAsync(_path, _options.Delimiter, cancellationToken),
            file => [.. (columns = ColumnsOf(record, file.Header)).Select(c => c ?? -1)],
            (file, row, location) => ToRecordRow(record, columns!, file.Header.Count, row, location),
            _options.ListSeparator);
    }

    private RecordRow ToRecordRow(RecordDefinition record, int?[] columns, int headerCount, CsvRecord row, string location)
    {
        if (row.Error is not null)
        {
            return RecordRow.Unreadable(location, row.Error);
        }

        if (row.Fields.Count != headerCount)
        {
            return RecordRow.Unreadable(location, $"the row has {row.Fields.Count} fields; the header has {headerCount}");
        }

        var values = new DatasetRecord(record);
        foreach (var field in record.Fields)
        {
            if (columns[field.Index] is not { } column)
            {
                continue;
            }

            if (field.Kind == RecordFieldKind.List)
            {
                values.SetList(field, row.Fields[column].Split(_options.ListSeparator));
            }
            else
            {
                values.Set(field, row.Fields[column]);
            }
        }

        return RecordRow.Read(location, values);
    }

    // For each field (by index), its column in the header, or null when an optional field's column is absent.
    private int?[] ColumnsOf(RecordDefinition record, IReadOnlyList<string> header)
    {
        var names = header.Select(h => h.Trim()).ToArray();
        var duplicate = names.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{Name}: the header names column '{duplicate.Key}' twice.");
        }

        var unknown = _options.Columns.Keys.Where(id => record.Find(id) is null).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidDataException(
                $"{Name}: columns names field(s) {string.Join(", ", unknown)} that the dataset's record does not have ({string.Join(", ", record.Fields.Select(f => f.Id))}).");
        }

        var columns = new int?[record.Fields.Count];
        var missing = new List<string>();
        foreach (var field in record.Fields)
        {
            var configured = _options.Columns.TryGetValue(field.Id, out var name);
            var index = Array.FindIndex(names, h => string.Equals(h, configured ? name : field.Id, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                columns[field.Index] = index;
            }
            else if (field.Required || configured || field == record.RecordId || field == record.Period)
            {
                missing.Add(configured ? $"{name} (field {field.Id})" : field.Id);
            }
        }

        return missing.Count == 0
            ? columns
            : throw new InvalidDataException($"{Name}: the header lacks the column(s) {string.Join(", ", missing)}.");
    }
}
