using System.Globalization;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Records;

/// <summary>
/// One source record of a dataset, as an adapter read it: the value of each field of the dataset's
/// <see cref="RecordDefinition"/>, held by field position. Values are the source's own (a code the catalogue does not
/// know is quarantined with its field's name, never guessed); validation and derivation are the catalogue's.
/// </summary>
public sealed class DatasetRecord
{
    private readonly object?[] _values;

    public DatasetRecord(RecordDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _values = new object?[definition.Fields.Count];
    }

    public RecordDefinition Definition { get; }

    /// <summary>Sets a field from text (a list field from text holds that one value).</summary>
    public DatasetRecord Set(string fieldId, string? value) => Set(Definition.Get(fieldId), value);

    public DatasetRecord Set(RecordField field, string? value)
    {
        _values[field.Index] = value;
        return this;
    }

    /// <summary>Sets a list field's values.</summary>
    public DatasetRecord SetList(RecordField field, IReadOnlyList<string> values)
    {
        _values[field.Index] = values;
        return this;
    }

    /// <summary>Sets a date field from a date the source already holds as one.</summary>
    public DatasetRecord SetDate(RecordField field, DateOnly? value)
    {
        _values[field.Index] = value;
        return this;
    }

    /// <summary>The field's trimmed text, or null when blank (a list gives its values joined by "; ").</summary>
    public string? Text(RecordField field) => _values[field.Index] switch
    {
        string text => string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        IReadOnlyList<string> list => List(field) is { Count: > 0 } values ? string.Join("; ", values) : null,
        DateOnly date => date.ToString(DateFormat, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The field's non-blank, trimmed values.</summary>
    public IReadOnlyList<string> List(RecordField field) => _values[field.Index] switch
    {
        IReadOnlyList<string> list => [.. list.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())],
        _ => Text(field) is { } one ? [one] : [],
    };

    /// <summary>The form of a date written as text.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The field as a date: null when blank; false when it is not a date in <see cref="DateFormat"/> form.</summary>
    public bool TryGetDate(RecordField field, out DateOnly? date)
    {
        if (_values[field.Index] is DateOnly value)
        {
            date = value;
            return true;
        }

        date = null;
        if (Text(field) is not { } text)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }
}

/// <summary>
/// One row read from a source of dataset records: the record, or the reason it could not be read, with its
/// <paramref name="Location"/> in the source (for example "court-cases.csv line 12").
/// </summary>
public sealed record RecordRow(string Location, DatasetRecord? Record, string? Error)
{
    public static RecordRow Read(string location, DatasetRecord record) => new(location, record, null);

    public static RecordRow Unreadable(string location, string error) => new(location, null, error);
}

/// <summary>
/// A source of a dataset's records: gives each row with the value of each catalogue field (an adapter maps its
/// columns to the fields by configuration).
/// </summary>
public interface IDatasetRecordSource
{
    /// <summary>A name for the source in reports and logs, for example the file name.</summary>
    string Name { get; }

    /// <summary>Reads the source's rows as records of <paramref name="record"/>.</summary>
    IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, CancellationToken cancellationToken = default);
}
