using System.Runtime.CompilerServices;
using System.Text;
using Federation.Sdk.Records;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>
/// Reads case records from a JSON Lines export (UTF-8, one JSON object per line), streaming one line at a time.
/// Blank lines are skipped; a line that cannot be read is returned with its error and its line number.
/// </summary>
internal sealed class JsonLinesCaseRecordSource : ICaseRecordSource
{
    private readonly string _path;
    private readonly CaseJsonLine _lines;

    /// <summary>Reads <paramref name="path"/> (already resolved) with options that passed validation.</summary>
    public JsonLinesCaseRecordSource(string path, JsonLinesCaseSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        _path = path;
        _lines = new CaseJsonLine(options.DateFormat);
        Name = Path.GetFileName(path);
    }

    public string Name { get; }

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(
            _path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
        var lineNumber = 0;
        while (true)
        {
            // Checked on every line: a buffered read does not look at the token, and the node expects a cancelled read to stop at once.
            cancellationToken.ThrowIfCancellationRequested();
            var line = await text.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                yield break;
            }

            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return _lines.ToRow(line, $"{Name} line {lineNumber}");
            }
        }
    }
}
