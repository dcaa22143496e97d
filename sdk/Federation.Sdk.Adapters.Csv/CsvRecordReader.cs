using System.Buffers;
using System.Runtime.CompilerServices;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Streams RFC 4180 records from text: quoted fields with embedded delimiters, doubled quotes and line breaks;
/// CRLF, LF or CR line ends. Blank lines are skipped. A malformed record is returned with an error, and reading
/// goes on at the next line.
/// </summary>
/// <remarks>
/// The current record's fields are read as spans over the reader's buffer (<see cref="Field"/>), valid until the next
/// <see cref="ReadAsync"/>: reading a record allocates nothing unless it needs more buffer. <see cref="ToRecord"/>
/// copies the record into strings.
/// </remarks>
internal sealed class CsvRecordReader
{
    private const char Quote = '"';

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly SearchValues<char> _fieldEnds;
    private readonly SearchValues<char> _lineEndsAndQuote = SearchValues.Create("\r\n\"");
    private char[] _buffer = new char[256 * 1024];
    private int _position;
    private int _length;
    private bool _endOfText;
    private int _line = 1;

    // The current record: each field is _buffer[start..start+length] (unquoted) or _unquoted[start..] (quoted).
    private int[] _fieldStarts = new int[32];
    private int[] _fieldLengths = new int[32];
    private bool[] _fieldQuoted = new bool[32];
    private char[] _unquoted = new char[1024];
    private int _unquotedLength;

    public CsvRecordReader(TextReader reader, char delimiter)
    {
        _reader = reader;
        _delimiter = delimiter;
        _fieldEnds = SearchValues.Create([delimiter, Quote, '\r', '\n']);
    }

    /// <summary>The line the current record starts on (1-based).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The current record's number of fields.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The current record's syntax error, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The current record's field, quotes removed (valid until the next read).</summary>
    public ReadOnlySpan<char> Field(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        return _fieldQuoted[index]
            ? _unquoted.AsSpan(_fieldStarts[index], _fieldLengths[index])
            : _buffer.AsSpan(_fieldStarts[index], _fieldLengths[index]);
    }

    /// <summary>The current record, copied.</summary>
    public CsvRecord ToRecord()
    {
        var fields = new string[FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = Field(i).ToString();
        }

        return new CsvRecord(LineNumber, fields, Error);
    }

    public async IAsyncEnumerable<CsvRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken))
        {
            yield return ToRecord();
        }
    }

    /// <summary>Reads the next record; false at the end of the text.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        var parsed = TryParse();
        return parsed is { } read ? new ValueTask<bool>(read) : FillAndReadAsync(cancellationToken);
    }

    private async ValueTask<bool> FillAndReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await FillAsync(cancellationToken);
            if (TryParse() is { } read)
            {
                return read;
            }
        }
    }

    // Keeps the unread text, grows the buffer when a record fills it, and reads more text after it.
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unread = _length - _position;
        if (unread == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_position > 0)
        {
            Array.Copy(_buffer, _position, _buffer, 0, unread);
        }

        _position = 0;
        _length = unread;
        var read = await _reader.ReadAsync(_buffer.AsMemory(_length), cancellationToken);
        _length += read;
        _endOfText = read == 0;
    }

    // Parses the record at _position: true when read, false at the end of the text, null when the buffer ends first
    // (nothing is consumed then; the record is parsed again from its start after a fill).
    private bool? TryParse()
    {
        var text = _buffer.AsSpan(0, _length);
        var i = _position;
        var line = _line;

        // Blank lines before the record.
        while (true)
        {
            if (i == text.Length)
            {
                if (!_endOfText)
                {
                    return null;
                }

                _position = i;
                _line = line;
                return false;
            }

            var c = text[i];
            if (c == '\n')
            {
                i++;
                line++;
            }
            else if (c == '\r')
            {
                if (i + 1 == text.Length && !_endOfText)
                {
                    return null;
                }

                i += i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
            }
            else
            {
                break;
            }
        }

        var startLine = line;
        var fields = 0;
        _unquotedLength = 0;
        string? error = null;

        // The common record, a line without quotes, is split at its delimiters directly.
        var lineLength = text[i..].IndexOfAny(_lineEndsAndQuote);
        if (lineLength >= 0 && text[i + lineLength] != Quote && (text[i + lineLength] == '\n' || i + lineLength + 1 < text.Length || _endOfText))
        {
            var recordText = text.Slice(i, lineLength);
            var start = i;
            while (true)
            {
                if (fields == _fieldStarts.Length)
                {
                    Array.Resize(ref _fieldStarts, fields * 2);
                    Array.Resize(ref _fieldLengths, fields * 2);
                    Array.Resize(ref _fieldQuoted, fields * 2);
                }

                var length = recordText.IndexOf(_delimiter);
                _fieldStarts[fields] = start;
                _fieldQuoted[fields] = false;
                if (length < 0)
                {
                    _fieldLengths[fields++] = recordText.Length;
                    break;
                }

                _fieldLengths[fields++] = length;
                recordText = recordText[(length + 1)..];
                start += length + 1;
            }

            i += lineLength;
            i += text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            return Record(i, line + 1, startLine, fields, null);
        }
        while (true)
        {
            // One field starts at i.
            if (fields == _fieldStarts.Length)
            {
                Array.Resize(ref _fieldStarts, fields * 2);
                Array.Resize(ref _fieldLengths, fields * 2);
                Array.Resize(ref _fieldQuoted, fields * 2);
            }

            char end;
            if (i < text.Length && text[i] == Quote)
            {
                // A quoted field: its text up to the closing quote (doubled quotes are one), then anything up to the
                // field's end is kept after it, with an error.
                var start = _unquotedLength;
                i++;
                while (true)
                {
                    var closing = text[i..].IndexOf(Quote);
                    if (closing < 0)
                    {
                        if (!_endOfText)
                        {
                            return null;
                        }

                        line += text[i..].Count('\n');
                        Unquoted(text[i..]);
                        i = text.Length;
                        _fieldStarts[fields] = start;
                        _fieldLengths[fields] = _unquotedLength - start;
                        _fieldQuoted[fields++] = true;
                        return Record(i, line, startLine, fields, "a quoted field is not closed before the end of the file");
                    }

                    line += text.Slice(i, closing).Count('\n');
                    Unquoted(text.Slice(i, closing));
                    i += closing + 1;
                    if (i == text.Length && !_endOfText)
                    {
                        return null;
                    }

                    if (i < text.Length && text[i] == Quote)
                    {
                        Unquoted([Quote]);
                        i++;
                        continue;
                    }

                    break;
                }

                // After the closing quote.
                var rest = text[i..].IndexOfAny(_fieldEnds);
                if (rest < 0)
                {
                    if (!_endOfText)
                    {
                        return null;
                    }

                    rest = text.Length - i;
                }

                if (rest > 0 || (i + rest < text.Length && text[i + rest] == Quote))
                {
                    error ??= $"field {fields + 1} has text after its closing quote";
                }

                Unquoted(text.Slice(i, rest));
                i += rest;
                while (i < text.Length && text[i] == Quote)
                {
                    // A quote after the closing quote is text of the field too (the error is already set).
                    Unquoted(text.Slice(i, 1));
                    i++;
                    var more = text[i..].IndexOfAny(_fieldEnds);
                    if (more < 0)
                    {
                        if (!_endOfText)
                        {
                            return null;
                        }

                        more = text.Length - i;
                    }

                    Unquoted(text.Slice(i, more));
                    i += more;
                }

                _fieldStarts[fields] = start;
                _fieldLengths[fields] = _unquotedLength - start;
                _fieldQuoted[fields++] = true;
            }
            else
            {
                // An unquoted field: a quote in it is kept, with an error.
                var start = i;
                while (true)
                {
                    var next = text[i..].IndexOfAny(_fieldEnds);
                    if (next < 0)
                    {
                        if (!_endOfText)
                        {
                            return null;
                        }

                        i = text.Length;
                        break;
                    }

                    i += next;
                    if (text[i] != Quote)
                    {
                        break;
                    }

                    error ??= $"field {fields + 1} has a quote but does not start with one";
                    i++;
                }

                _fieldStarts[fields] = start;
                _fieldLengths[fields] = i - start;
                _fieldQuoted[fields++] = false;
            }

            if (i == text.Length)
            {
                // The end of the text ends the record (the buffer's end was handled above).
                return Record(i, line, startLine, fields, error);
            }

            end = text[i];
            if (end == _delimiter)
            {
                i++;
                continue;
            }

            // A line end ends the record.
            if (end == '\r')
            {
                if (i + 1 == text.Length && !_endOfText)
                {
                    return null;
                }

                i += i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            }
            else
            {
                i++;
            }

            return Record(i, line + 1, startLine, fields, error);
        }
    }

    private bool Record(int position, int line, int startLine, int fields, string? error)
    {
        _position = position;
        _line = line;
        LineNumber = startLine;
        FieldCount = fields;
        Error = error;
        return true;
    }

    private void Unquoted(ReadOnlySpan<char> text)
    {
        if (_unquotedLength + text.Length > _unquoted.Length)
        {
            Array.Resize(ref _unquoted, Math.Max(_unquoted.Length * 2, _unquotedLength + text.Length));
        }

        text.CopyTo(_unquoted.AsSpan(_unquotedLength));
        _unquotedLength += text.Length;
    }
}
