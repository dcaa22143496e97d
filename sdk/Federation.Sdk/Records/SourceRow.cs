namespace Federation.Sdk.Records;

/// <summary>
/// One row read from a source: either a <see cref="CaseRecord"/> or the reason it could not be read,
/// with its <paramref name="Location"/> in the source (for example "cases.csv line 12").
/// </summary>
public sealed record SourceRow(string Location, CaseRecord? Record, string? Error)
{
    public static SourceRow Read(string location, CaseRecord record) => new(location, record, null);

    public static SourceRow Unreadable(string location, string error) => new(location, null, error);
}
