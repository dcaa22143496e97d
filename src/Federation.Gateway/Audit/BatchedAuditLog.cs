using System.Threading.Channels;

namespace Federation.Gateway.Audit;

/// <summary>
/// Keeps audit writes off the request path: a record is put in a bounded queue, and one writer stores what is queued
/// in batches, each in one transaction (one commit for up to <see cref="MaxBatch"/> records). A full queue makes
/// callers wait (records are never dropped). A read first waits until every record queued before it is stored, so it
/// sees them. On a clean shutdown (dispose) the queue is drained before the writer stops, and a record that comes later
/// is stored directly; a crash loses at most the records still queued (up to <see cref="Capacity"/>, normally the last
/// batch). A batch the store refuses is logged as an error, as a single failed write was.
/// </summary>
public sealed partial class BatchedAuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>Most records waiting to be stored; a caller waits while the queue is full.</summary>
    public const int Capacity = 10_000;

    /// <summary>Most records stored in one transaction.</summary>
    public const int MaxBatch = 500;

    private readonly IAuditStore _store;
    private readonly ILogger<BatchedAuditLog> _logger;
    private readonly Channel<Queued> _queue = Channel.CreateBounded<Queued>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly Task _writer;

    public BatchedAuditLog(IAuditStore store, ILogger<BatchedAuditLog> logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger;
        _writer = Task.Run(WriteQueuedAsync);
    }

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await _queue.Writer.WriteAsync(new Queued(record, null), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // After shutdown began: stored directly, so nothing is lost.
            await _store.AppendAsync(record, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Queued(null, stored), cancellationToken);
            await stored.Task.WaitAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Shut down: the queue is drained already.
        }

        return await _store.ReadAsync(query, cancellationToken);
    }

    /// <summary>Stores every queued record, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteQueuedAsync()
    {
        var records = new List<AuditRecord>(MaxBatch);
        var waiting = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (records.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
            {
                if (queued.Record is { } record)
                {
                    records.Add(record);
                }
                else
                {
                    waiting.Add(queued.Stored!);
                }
            }

            if (records.Count > 0)
            {
                try
                {
                    await _store.AppendAllAsync(records, CancellationToken.None);
                }
                catch (Exception e)
                {
                    LogBatchFailure(e, records.Count);
                }
            }

            foreach (var reader in waiting)
            {
                reader.TrySetResult();
            }

            records.Clear();
            waiting.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store a batch of {Count} audit records")]
    private partial void LogBatchFailure(Exception exception, int count);

    // A record to store, or (Record null) a reader waiting until what was queued before it is stored.
    private sealed record Queued(AuditRecord? Record, TaskCompletionSource? Stored);
}
