using System.Runtime.CompilerServices;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Reads case records from a UTF-8 CSV file (RFC 4180, header row required), streaming one row at a time.
/// The columns and accepted values are documented in README.md.
/// </summary>
internal sealed class CsvCaseRecordSource : ICaseRecordSource, IRecordSpanSource
{
    private readonly string _path;
    private readonly CsvCaseSourceOptions _options;

    /// <summary>Reads <paramref name="path"/> (already resolved) with options that passed validation.</summary>
    public CsvCaseRecordSource(string path, CsvCaseSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _options = options ?? new CsvCaseSourceOptions();
        Name = Path.GetFileName(path);
    }

    public string Name { get; }

    /// <summary>
    /// Streams the file's rows. Throws <see cref="InvalidDataException"/> before the first row when the header is
    /// missing or lacks a required column; a row that cannot be read is returned with its error.
    /// </summary>
    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var file = await CsvFile.OpenAsync(_path, _options.Delimiter, cancellationToken);
        var layout = new CsvColumnLayout(file.Header, _options, Name);
        while (await file.Records.ReadAsync(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return layout.ToRow(file.Records.ToRecord(), file.LocationOf(file.Records.LineNumber));
        }
    }

    /// <summary>The rows as spans of an HTCDS dataset record's fields (<see cref="HtcdsCaseRecordFields"/>); null for another record.</summary>
    public IRecordSpanCursor? OpenSpans(RecordDefinition record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (HtcdsCaseRecordFields.FindProblem(record) is not null)
        {
            return null;
        }

        CsvColumnLayout? layout = null;
        return new CsvRecordSpanCursor(
            cancellationToken => CsvFile.OpenAsync(_path, _options.Delimiter, cancellationToken),
            file =>
            {
                layout = new CsvColumnLayout(file.Header, _options, Name);
                return [.. record.Fields.Select(f => layout.ColumnOf(f.Id))];
            },
            (_, row, location) => HtcdsCaseRecordFields.ToRecordRow(record, layout!.ToRow(row, location)),
            _options.ListSeparator);
    }
}
