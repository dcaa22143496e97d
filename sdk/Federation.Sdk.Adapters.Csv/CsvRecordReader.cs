using System.Runtime.CompilerServices;
using System.Text;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Streams RFC 4180 records from text: quoted fields with embedded delimiters, doubled quotes and line breaks;
/// CRLF, LF or CR line ends. Blank lines are skipped. A malformed record is returned with an error, and reading
/// goes on at the next line.
/// </summary>
internal sealed class CsvRecordReader
{
    private const char Quote = '"';
    private const int EndOfText = -1;

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;
    private int _line = 1;

    public CsvRecordReader(TextReader reader, char delimiter)
    {
        _reader = reader;
        _delimiter = delimiter;
    }

    public async IAsyncEnumerable<CsvRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadRecordAsync(cancellationToken) is { } record)
        {
            yield return record;
        }
    }

    private async ValueTask<CsvRecord?> ReadRecordAsync(CancellationToken cancellationToken)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var startLine = _line;
        var inQuotes = false;
        var afterClosingQuote = false;
        string? error = null;
        while (true)
        {
            var next = await ReadCharAsync(cancellationToken);
            if (next == EndOfText)
            {
                if (fields.Count == 0 && field.Length == 0 && !afterClosingQuote && !inQuotes)
                {
                    return null;
                }

                fields.Add(field.ToString());
                return new CsvRecord(startLine, fields, inQuotes ? "a quoted field is not closed before the end of the file" : error);
            }

            var c = (char)next;
            if (inQuotes)
            {
                if (c != Quote)
                {
                    _line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
                else if (await PeekCharAsync(cancellationToken) == Quote)
                {
                    await ReadCharAsync(cancellationToken);
                    field.Append(Quote);
                }
                else
                {
                    inQuotes = false;
                    afterClosingQuote = true;
                }
            }
            else if (c == _delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                afterClosingQuote = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && await PeekCharAsync(cancellationToken) == '\n')
                {
                    await ReadCharAsync(cancellationToken);
                }

                _line++;
                if (fields.Count == 0 && field.Length == 0 && !afterClosingQuote)
                {
                    startLine = _line;
                    continue;
                }

                fields.Add(field.ToString());
                return new CsvRecord(startLine, fields, error);
            }
            else if (c == Quote && field.Length == 0 && !afterClosingQuote)
            {
                inQuotes = true;
            }
            else
            {
                error ??= c == Quote
                    ? $"field {fields.Count + 1} has a quote but does not start with one"
                    : afterClosingQuote ? $"field {fields.Count + 1} has text after its closing quote" : null;
                field.Append(c);
            }
        }
    }

    private async ValueTask<int> ReadCharAsync(CancellationToken cancellationToken)
    {
        var c = await PeekCharAsync(cancellationToken);
        if (c != EndOfText)
        {
            _position++;
        }

        return c;
    }

    private async ValueTask<int> PeekCharAsync(CancellationToken cancellationToken)
    {
        if (_position == _length)
        {
            _length = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken);
            _position = 0;
            if (_length == 0)
            {
                return EndOfText;
            }
        }

        return _buffer[_position];
    }
}
