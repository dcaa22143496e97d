namespace Federation.Samples.JsonLinesAdapter;

/// <summary>
/// How to read a dataset's records from a JSON Lines export: the file, how its dates are written, and which property
/// holds each catalogue field (by default the property named like the field's id), as the CSV adapter maps columns.
/// </summary>
public sealed class JsonLinesRecordSourceOptions
{
    /// <summary>The export, one JSON object per line; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    /// <summary>The .NET exact format of the export's dates (invariant culture), for example "dd/MM/yyyy".</summary>
    public string DateFormat { get; set; } = Federation.Sdk.Records.DatasetRecord.DateFormat;

    /// <summary>
    /// The property of a catalogue field when it is not named like the field (field id to property name, matched
    /// exactly; a dotted name such as "accused.gender" reads a property of a nested object).
    /// </summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);
}
