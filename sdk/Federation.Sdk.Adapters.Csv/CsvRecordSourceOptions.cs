namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// How to read a dataset's records from a CSV file: the file, field delimiter, separator inside list fields, and which
/// column holds each catalogue field (by default the column named like the field's id).
/// </summary>
public sealed class CsvRecordSourceOptions
{
    /// <summary>The CSV file; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    public char Delimiter { get; set; } = ',';

    /// <summary>Separates the values of a list field.</summary>
    public char ListSeparator { get; set; } = ';';

    /// <summary>
    /// The column of a catalogue field when it is not named like the field (field id to column name, matched
    /// case-insensitively), for example <c>{ "decision_date": "DATE_OF_DECISION" }</c>.
    /// </summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);
}
