namespace Federation.Sdk.Adapters.Csv;

/// <summary>One RFC 4180 record: the line it starts on, its fields, and a syntax error if it is malformed.</summary>
internal sealed record CsvRecord(int LineNumber, IReadOnlyList<string> Fields, string? Error);
