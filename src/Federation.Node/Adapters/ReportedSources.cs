using System.Runtime.CompilerServices;
using Federation.Sdk.Records;
using Federation.Sdk.ServiceDirectory;

namespace Federation.Node.Adapters;

/// <summary>
/// An adapter's stream as the node reads it: any exception the adapter lets escape (other than a cancellation asked
/// for) becomes a <see cref="SourceReadException"/> naming the source, the adapter and the last row read.
/// </summary>
internal static class ReportedRead
{
    /// <param name="read">Starts the adapter's read (a call that may itself throw).</param>
    /// <param name="locationOf">Where an item is in the source, when the item says.</param>
    public static async IAsyncEnumerable<T> Of<T>(
        Func<CancellationToken, IAsyncEnumerable<T>> read,
        Func<T, string?> locationOf,
        ConfiguredSource source,
        NodeAdapter adapter,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = 0;
        string? lastLocation = null;
        IAsyncEnumerator<T> items;
        try
        {
            items = read(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsAdapterFailure(e, cancellationToken))
        {
            throw new SourceReadException(source, adapter, Position(rows, lastLocation), e);
        }

        await using (items)
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Exception e) when (IsAdapterFailure(e, cancellationToken))
                {
                    throw new SourceReadException(source, adapter, Position(rows, lastLocation), e);
                }

                rows++;
                lastLocation = locationOf(items.Current) ?? lastLocation;
                yield return items.Current;
            }
        }
    }

    private static bool IsAdapterFailure(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static string Position(int rows, string? lastLocation) => (rows, lastLocation) switch
    {
        (0, _) => "before the first row",
        (_, null) => $"after {rows} row(s)",
        _ => $"after {rows} row(s), the last at '{lastLocation}'",
    };
}

/// <summary>A configured source of case records as the node reads it: named as in node.json, its failures reported.</summary>
internal sealed class ReportedCaseRecordSource(ICaseRecordSource adapterSource, ConfiguredSource source, NodeAdapter adapter) : ICaseRecordSource
{
    public string Name => source.Name;

    public IAsyncEnumerable<SourceRow> ReadAsync(CancellationToken cancellationToken = default) =>
        ReportedRead.Of(adapterSource.ReadAsync, row => row.Location, source, adapter, cancellationToken);
}

/// <summary>A configured source of dataset records as the node reads it: named as in node.json, its failures reported.</summary>
internal sealed class ReportedDatasetRecordSource(IDatasetRecordSource adapterSource, ConfiguredSource source, NodeAdapter adapter) : IDatasetRecordSource
{
    public string Name => source.Name;

    public IAsyncEnumerable<RecordRow> ReadAsync(Sdk.Catalog.RecordDefinition record, CancellationToken cancellationToken = default) =>
        ReportedRead.Of(ct => adapterSource.ReadAsync(record, ct), row => row.Location, source, adapter, cancellationToken);
}

/// <summary>A configured source of service directory content as the node reads it: named as in node.json, its failures reported.</summary>
internal sealed class ReportedDirectorySource(IDirectorySource adapterSource, ConfiguredSource source, NodeAdapter adapter) : IDirectorySource
{
    public string Name => source.Name;

    public IAsyncEnumerable<DirectoryItem> ReadAsync(CancellationToken cancellationToken = default) =>
        ReportedRead.Of(adapterSource.ReadAsync, item => (item as QuarantinedItem)?.Record.Location, source, adapter, cancellationToken);
}
