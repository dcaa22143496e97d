namespace Federation.Sdk.Adapters.Csv;

/// <summary>How to read a case CSV: field delimiter, separator inside list fields, and column names.</summary>
public sealed class CsvCaseSourceOptions
{
    public char Delimiter { get; set; } = ',';

    /// <summary>Separates the values of a list field (exploitation types, citizenship).</summary>
    public char ListSeparator { get; set; } = ';';

    public CsvColumnNames Columns { get; set; } = new();

    internal void Validate()
    {
        if (Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException("The CSV delimiter cannot be a quote or a line break.", nameof(Delimiter));
        }

        if (ListSeparator == Delimiter || ListSeparator is '"' or '\r' or '\n')
        {
            throw new ArgumentException("The list separator must differ from the delimiter and cannot be a quote or a line break.", nameof(ListSeparator));
        }

        ArgumentNullException.ThrowIfNull(Columns);
    }
}
