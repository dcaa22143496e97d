using Federation.Sdk.Records;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>How to read a JSON Lines case export: the file, and how its dates are written.</summary>
public sealed class JsonLinesCaseSourceOptions
{
    /// <summary>The export, one JSON object per line; a relative path is resolved from the node configuration's folder.</summary>
    public string? Path { get; set; }

    /// <summary>The .NET exact format of the export's dates (invariant culture), for example "dd/MM/yyyy".</summary>
    public string DateFormat { get; set; } = CaseFieldValues.DateFormat;
}
