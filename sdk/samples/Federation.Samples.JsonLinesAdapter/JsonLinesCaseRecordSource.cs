using System.Runtime.CompilerServices;
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
        await foreach (var (line, location) in JsonLinesFile.ReadAsync(_path, Name, cancellationToken))
        {
            yield return _lines.ToRow(line, location);
        }
    }
}
