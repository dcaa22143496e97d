using System.Runtime.CompilerServices;
using System.Text;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>Reads a CSV file with a header row as rows of named fields (names case-insensitive); checks required columns first.</summary>
internal static class CsvTable
{
    public static async IAsyncEnumerable<CsvNamedRow> ReadAsync(
        string path,
        char delimiter,
        IReadOnlyCollection<string> requiredColumns,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var records = new CsvRecordReader(text, delimiter).ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (records)
        {
            if (!await records.MoveNextAsync())
            {
                throw new InvalidDataException($"{name}: the file is empty; a header row is required.");
            }

            var header = records.Current;
            if (header.Error is not null)
            {
                throw new InvalidDataException($"{name} line {header.LineNumber}: the header row is malformed: {header.Error}.");
            }

            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Fields.Count; i++)
            {
                columns.TryAdd(header.Fields[i].Trim(), i);
            }

            var missing = requiredColumns.Where(c => !columns.ContainsKey(c)).ToArray();
            if (missing.Length > 0)
            {
                throw new InvalidDataException($"{name}: required column(s) missing: {string.Join(", ", missing)}. See the adapter's README for the columns.");
            }

            while (await records.MoveNextAsync())
            {
                var record = records.Current;
                var error = record.Error ?? (record.Fields.Count != header.Fields.Count
                    ? $"the row has {record.Fields.Count} fields but the header has {header.Fields.Count}"
                    : null);
                yield return new CsvNamedRow($"{name} line {record.LineNumber}", columns, record.Fields, error);
            }
        }
    }
}

/// <summary>A CSV row whose fields are read by column name; blank or absent fields read as null.</summary>
internal sealed record CsvNamedRow(string Location, IReadOnlyDictionary<string, int> Columns, IReadOnlyList<string> Fields, string? Error)
{
    public string? this[string column] =>
        Columns.TryGetValue(column, out var i) && i < Fields.Count && !string.IsNullOrWhiteSpace(Fields[i]) ? Fields[i].Trim() : null;

    public IEnumerable<string> List(string column) =>
        (this[column] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
