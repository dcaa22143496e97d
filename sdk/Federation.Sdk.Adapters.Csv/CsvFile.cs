using System.Text;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>An open CSV file (UTF-8, a byte order mark allowed) whose header row was read: its records follow.</summary>
internal sealed class CsvFile : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly StreamReader _text;

    private CsvFile(FileStream stream, StreamReader text, CsvRecordReader records, string name, IReadOnlyList<string> header)
    {
        _stream = stream;
        _text = text;
        Records = records;
        Name = name;
        Header = header;
    }

    public CsvRecordReader Records { get; }

    /// <summary>The file name, as locations give it.</summary>
    public string Name { get; }

    /// <summary>The header row's fields (untrimmed).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Opens <paramref name="path"/> and reads its header; throws <see cref="InvalidDataException"/> when the file is empty or the header malformed.</summary>
    public static async Task<CsvFile> OpenAsync(string path, char delimiter, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
        try
        {
            var records = new CsvRecordReader(text, delimiter);
            if (!await records.ReadAsync(cancellationToken))
            {
                throw new InvalidDataException($"{name}: the file is empty; a header row is required.");
            }

            if (records.Error is not null)
            {
                throw new InvalidDataException($"{name} line {records.LineNumber}: the header row is malformed: {records.Error}.");
            }

            return new CsvFile(stream, text, records, name, records.ToRecord().Fields);
        }
        catch
        {
            text.Dispose();
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The location of the record starting on <paramref name="line"/>.</summary>
    public string LocationOf(long line) => $"{Name} line {line}";

    public async ValueTask DisposeAsync()
    {
        _text.Dispose();
        await _stream.DisposeAsync();
    }
}

/// <summary>
/// A CSV file's rows as spans of a dataset record's fields (<see cref="IRecordSpanCursor"/>): each field from its column
/// (-1: not given, blank). <paramref name="toRecordRow"/> is the general path of the adapter for one record.
/// </summary>
internal sealed class CsvRecordSpanCursor(
    Func<CancellationToken, Task<CsvFile>> open,
    Func<CsvFile, int[]> columnsOf,
    Func<CsvFile, CsvRecord, string, RecordRow> toRecordRow,
    char listSeparator) : IRecordSpanCursor
{
    private CsvFile? _file;
    private int[] _columns = [];
    private int _headerCount;

    public bool IsWellFormed { get; private set; }

    public char ListSeparator => listSeparator;

    public long Position => _file!.Records.LineNumber;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            _file = await open(cancellationToken);
            _columns = columnsOf(_file);
            _headerCount = _file.Header.Count;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!await _file.Records.ReadAsync(cancellationToken))
        {
            return false;
        }

        IsWellFormed = _file.Records.Error is null && _file.Records.FieldCount == _headerCount;
        return true;
    }

    public ReadOnlySpan<char> Value(int fieldIndex) => _columns[fieldIndex] is var column and >= 0 ? _file!.Records.Field(column) : [];

    public string LocationOf(long position) => _file!.LocationOf(position);

    public RecordRow ToRecordRow() => toRecordRow(_file!, _file!.Records.ToRecord(), _file.LocationOf(_file.Records.LineNumber));

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}
