namespace Federation.Sdk.Adapters.Csv;

/// <summary>How to read a service directory CSV export: the file and its field delimiter.</summary>
public sealed class CsvDirectorySourceOptions
{
    /// <summary>The CSV file; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    public char Delimiter { get; set; } = ',';
}
