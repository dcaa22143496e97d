using System.Text;

namespace Federation.Sdk.Synthetic;

/// <summary>Writes the synthetic exports as the CSV adapter reads them: UTF-8 without BOM, CRLF, RFC 4180 quoting.</summary>
public static class CsvText
{
    /// <summary>A writer for a new CSV file at <paramref name="path"/>: UTF-8 without BOM, CRLF line ends.</summary>
    public static StreamWriter Create(string path) => new(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\r\n" };

    /// <summary>One CSV line of <paramref name="fields"/>, each quoted only where RFC 4180 needs it.</summary>
    public static void WriteLine(TextWriter writer, IEnumerable<string> fields) =>
        writer.WriteLine(string.Join(',', fields.Select(Escape)));

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
