using Federation.Sdk.Catalog;

namespace Federation.Sdk.Records;

/// <summary>
/// The fast path a source of records may offer next to <see cref="IDatasetRecordSource.ReadAsync"/> or
/// <see cref="ICaseRecordSource.ReadAsync"/>: each row's field values as text spans over the source's own buffer, so
/// the pipeline validates, derives and counts a row without allocating. The pipeline uses it when a source offers it,
/// and must get exactly what the general path would give: a row the fast path cannot settle is asked for
/// <see cref="IRecordSpanCursor.ToRecordRow"/>, the row exactly as the general path reads it.
/// </summary>
public interface IRecordSpanSource
{
    /// <summary>A cursor over the source's rows as records of <paramref name="record"/>, or null when this source
    /// cannot give spans for it (the pipeline then reads the general path).</summary>
    IRecordSpanCursor? OpenSpans(RecordDefinition record);
}

/// <summary>
/// The rows of a source, one at a time (see <see cref="IRecordSpanSource"/>). Spans are valid until the next
/// <see cref="MoveNextAsync"/>. The first move may throw what the general path's first row would (a missing header).
/// </summary>
public interface IRecordSpanCursor : IAsyncDisposable
{
    /// <summary>Moves to the next row; false at the end.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether the row was read as a record with a text value for each field (<see cref="Value"/>); false when it is
    /// unreadable as a row (a syntax error, a wrong number of fields): only <see cref="ToRecordRow"/> says what it is.
    /// </summary>
    bool IsWellFormed { get; }

    /// <summary>The row's text for the field at <paramref name="fieldIndex"/> (untrimmed; empty when not given).</summary>
    ReadOnlySpan<char> Value(int fieldIndex);

    /// <summary>What separates the values of a list field in <see cref="Value"/>.</summary>
    char ListSeparator { get; }

    /// <summary>A number that says where the row is; <see cref="LocationOf"/> makes it the row's location text.</summary>
    long Position { get; }

    /// <summary>The location (as <see cref="RecordRow.Location"/> gives it) of the row at <paramref name="position"/>.</summary>
    string LocationOf(long position);

    /// <summary>The current row exactly as the general path reads it (allocates).</summary>
    RecordRow ToRecordRow();
}
