namespace Federation.Sdk.Adapters.Csv;

/// <summary>How to read a case CSV: the file, field delimiter, separator inside list fields, and column names.</summary>
public sealed class CsvCaseSourceOptions
{
    /// <summary>The CSV file; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    public char Delimiter { get; set; } = ',';

    /// <summary>Separates the values of a list field (exploitation types, citizenship).</summary>
    public char ListSeparator { get; set; } = ';';

    public CsvColumnNames Columns { get; set; } = new();
}
