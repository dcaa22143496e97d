namespace Federation.Sdk.Synthetic;

/// <summary>
/// One row of a synthetic directory export: a service offered at a location, each column's text as an export holds
/// it (codes in the directory's vocabulary, lists separated by ';', blank for "not recorded"). Columns are
/// <see cref="SyntheticDirectoryData.DirectoryColumns"/>; a service on several rows is offered at several locations.
/// </summary>
public sealed class SyntheticDirectoryRow
{
    private readonly Dictionary<string, string> _fields;

    /// <summary>A row with the given columns' text; columns not given are blank.</summary>
    public SyntheticDirectoryRow(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, text) in fields)
        {
            _fields[Known(column)] = text ?? string.Empty;
        }
    }

    /// <summary>The text of a column; blank when not recorded.</summary>
    public string this[string column] => _fields.GetValueOrDefault(Known(column), string.Empty);

    public string OrganizationId => this["organization_id"];

    public string ServiceId => this["service_id"];

    public string LocationId => this["location_id"];

    /// <summary>The id of the link between the row's service and location: "{service_id}@{location_id}".</summary>
    public string ServiceAtLocationId => $"{ServiceId}@{LocationId}";

    /// <summary>A copy with some columns' text replaced, to write a row that is wrong in a known way.</summary>
    public SyntheticDirectoryRow With(params (string Column, string Text)[] changes)
    {
        var fields = new Dictionary<string, string>(_fields, StringComparer.Ordinal);
        foreach (var (column, text) in changes)
        {
            fields[Known(column)] = text;
        }

        return new SyntheticDirectoryRow(fields);
    }

    /// <summary>The fields as text in <see cref="SyntheticDirectoryData.DirectoryColumns"/> order.</summary>
    public IReadOnlyList<string> Fields() => [.. SyntheticDirectoryData.DirectoryColumns.Select(c => this[c])];

    /// <summary>The ';'-separated entries of a list column, trimmed, blanks dropped.</summary>
    public IReadOnlyList<string> List(string column) =>
        this[column].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Known(string column) =>
        SyntheticDirectoryData.DirectoryColumns.Contains(column, StringComparer.Ordinal)
            ? column
            : throw new ArgumentException($"'{column}' is not a directory column ({string.Join(", ", SyntheticDirectoryData.DirectoryColumns)}).", nameof(column));
}
