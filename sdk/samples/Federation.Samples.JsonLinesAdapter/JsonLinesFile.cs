using System.Runtime.CompilerServices;
using System.Text;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>The non-blank lines of a JSON Lines file, each with the location a quarantine note names.</summary>
internal static class JsonLinesFile
{
    /// <summary>Each non-blank line of <paramref name="path"/> (UTF-8, BOM optional) and its location, "NAME line N".</summary>
    public static async IAsyncEnumerable<(string Line, string Location)> ReadAsync(
        string path, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
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
                yield return (line, $"{name} line {lineNumber}");
            }
        }
    }
}
