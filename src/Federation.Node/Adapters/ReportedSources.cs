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

    /// <summary>An adapter's fast path (<see cref="IRecordSpanSource"/>) as the node reads it, its failures reported alike; null when it has none.</summary>
    public static IRecordSpanCursor? SpansOf(object adapterSource, Sdk.Catalog.RecordDefinition record, ConfiguredSource source, NodeAdapter adapter)
    {
        try
        {
            return adapterSource is IRecordSpanSource spans && spans.OpenSpans(record) is { } cursor ? new ReportedCursor(cursor, source, adapter) : null;
        }
        catch (Exception e) when (IsAdapterFailure(e, CancellationToken.None))
        {
            throw new SourceReadException(source, adapter, Position(0, null), e);
        }
    }

    public static bool IsAdapterFailure(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    public static string Position(int rows, string? lastLocation) => (rows, lastLocation) switch
    {
        (0, _) => "before the first row",
        (_, null) => $"after {rows} row(s)",
        _ => $"after {rows} row(s), the last at '{lastLocation}'",
    };
}

/// <summary>An adapter's span cursor whose failures name the source, the adapter and the last row read (its location made only then).</summary>
internal sealed class ReportedCursor(IRecordSpanCursor cursor, ConfiguredSource source, NodeAdapter adapter) : IRecordSpanCursor
{
    private int _rows;

    public bool IsWellFormed => cursor.IsWellFormed;

    public char ListSeparator => cursor.ListSeparator;

    public long Position => cursor.Position;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            var moved = await cursor.MoveNextAsync(cancellationToken);
            _rows += moved ? 1 : 0;
            return moved;
        }
        catch (Exception e) when (ReportedRead.IsAdapterFailure(e, cancellationToken))
        {
            throw new SourceReadException(source, adapter, ReportedRead.Position(_rows, _rows == 0 ? null : cursor.LocationOf(cursor.Position)), e);
        }
    }

    public ReadOnlySpan<char> Value(int fieldIndex) => cursor.Value(fieldIndex);

    public string LocationOf(long position) => cursor.LocationOf(position);

    public RecordRow ToRecordRow() => cursor.ToRecordRow();

    public ValueTask DisposeAsync() => cursor.DisposeAsync();
}

/// <summary>A configured source of case records as the node reads it: named as in node.json, its failures reported.</summary>
internal sealed class ReportedCaseRecordSource(ICaseRecordSource adapterSource, ConfiguredSource source, NodeAdapter adapter) : ICaseRecordSource, IRecordSpanSource
{
    public string Name => source.Name;

    public IRecordSpanCursor? OpenSpans(Sdk.Catalog.RecordDefinition record) => ReportedRead.SpansOf(adapterSource, record, source, adapter);

    public IAsyncEnumerable<SourceRow> ReadAsync(CancellationToken cancellationToken = default) =>
        ReportedRead.Of(adapterSource.ReadAsync, row => row.Location, source, adapter, cancellationToken);
}

/// <summary>A configured source of dataset records as the node reads it: named as in node.json, its failures reported.</summary>
internal sealed class ReportedDatasetRecordSource(IDatasetRecordSource adapterSource, ConfiguredSource source, NodeAdapter adapter) : IDatasetRecordSource, IRecordSpanSource
{
    public string Name => source.Name;

    public IRecordSpanCursor? OpenSpans(Sdk.Catalog.RecordDefinition record) => ReportedRead.SpansOf(adapterSource, record, source, adapter);

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
