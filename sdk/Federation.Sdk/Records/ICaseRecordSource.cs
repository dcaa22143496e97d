namespace Federation.Sdk.Records;

/// <summary>A provincial system's case records, read as a stream of rows.</summary>
public interface ICaseRecordSource
{
    /// <summary>A name for the source in reports and logs, for example the file name.</summary>
    string Name { get; }

    IAsyncEnumerable<SourceRow> ReadAsync(CancellationToken cancellationToken = default);
}
