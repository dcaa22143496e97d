using System.Runtime.CompilerServices;
using System.Text;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Reads case records from a UTF-8 CSV file (RFC 4180, header row required), streaming one row at a time.
/// The columns and accepted values are documented in README.md.
/// </summary>
internal sealed class CsvCaseRecordSource : ICaseRecordSource
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
        await using var stream = new FileStream(
            _path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
        var records = new CsvRecordReader(text, _options.Delimiter).ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (records)
        {
            if (!await records.MoveNextAsync())
            {
                throw new InvalidDataException($"{Name}: the file is empty; a header row is required.");
            }

            var header = records.Current;
            if (header.Error is not null)
            {
                throw new InvalidDataException($"{Name} line {header.LineNumber}: the header row is malformed: {header.Error}.");
            }

            var layout = new CsvColumnLayout(header.Fields, _options, Name);
            while (await records.MoveNextAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return layout.ToRow(records.Current, $"{Name} line {records.Current.LineNumber}");
            }
        }
    }
}
