using System.Threading.Channels;

namespace Federation.Gateway.Audit;

/// <summary>
/// Keeps audit work off the request path: a call is put in a bounded queue as it is (<see cref="AuditCall"/>: a small
/// struct of references, nothing formatted), and one writer formats what is queued (JSON parameters, the flood limit
/// of <see cref="AuditRefusalLimit"/> when given one) and stores it in batches, each in one transaction (one commit for
/// up to <see cref="MaxBatch"/> records). A full queue makes callers wait (records are never dropped). A read first
/// waits until every record queued before it is stored, so it sees them. On a clean shutdown (dispose) the queue is
/// drained before the writer stops, and a record that comes later is stored directly; a crash loses at most the
/// records still queued (up to <see cref="Capacity"/>, normally the last batch). A batch the store refuses is logged as
/// an error, as a single failed write was.
/// </summary>
public sealed partial class BatchedAuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>Most records waiting to be stored; a caller waits while the queue is full.</summary>
    public const int Capacity = 10_000;

    /// <summary>Most records stored in one transaction.</summary>
    public const int MaxBatch = 500;

    private readonly IAuditStore _store;
    private readonly AuditRefusalLimit? _limit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BatchedAuditLog> _logger;
    private readonly Channel<Queued> _queue = Channel.CreateBounded<Queued>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly Task _writer;

    /// <summary>A queue in front of <paramref name="store"/>; with <paramref name="limit"/>, every record passes it in the writer.</summary>
    public BatchedAuditLog(IAuditStore store, ILogger<BatchedAuditLog> logger, AuditRefusalLimit? limit = null, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger;
        _limit = limit;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _writer = Task.Run(WriteQueuedAsync);
    }

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return EnqueueAsync(new Queued(record), cancellationToken).AsTask();
    }

    /// <summary>One enqueue of the call, formatted by the writer; waits only while the queue is full.</summary>
    public ValueTask RecordAsync(AuditCall recorded, CancellationToken cancellationToken) => EnqueueAsync(new Queued(recorded), cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Queued(stored), cancellationToken);
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

    private ValueTask EnqueueAsync(Queued queued, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite(queued) ? ValueTask.CompletedTask : WaitToEnqueueAsync(queued, cancellationToken);

    private async ValueTask WaitToEnqueueAsync(Queued queued, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(queued, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // After shutdown began: stored directly, so nothing is lost.
            var records = new List<AuditRecord>(2);
            Admit(queued, records);
            if (records.Count > 0)
            {
                await _store.AppendAllAsync(records, cancellationToken);
            }
        }
    }

    private void Admit(Queued queued, List<AuditRecord> records)
    {
        var record = queued.Record ?? queued.Call.ToRecord();
        if (_limit is null)
        {
            records.Add(record);
        }
        else
        {
            _limit.Admit(record, records);
        }
    }

    private async Task WriteQueuedAsync()
    {
        var records = new List<AuditRecord>(MaxBatch + 1);
        var waiting = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (records.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
            {
                if (queued.Stored is { } reader)
                {
                    // A minute that has ended is summarised before anyone reads, even if no record came after it.
                    if (_limit?.EndedMinuteSummary(_timeProvider.GetUtcNow()) is { } summary)
                    {
                        records.Add(summary);
                    }

                    waiting.Add(reader);
                }
                else
                {
                    try
                    {
                        Admit(queued, records);
                    }
                    catch (Exception e)
                    {
                        LogFormatFailure(e, queued.Call.Method);
                    }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not format the audit record of a call of {Method}")]
    private partial void LogFormatFailure(Exception exception, string method);

    // A call or record to store, or (Stored set) a reader waiting until what was queued before it is stored.
    private readonly struct Queued
    {
        public Queued(AuditCall call) => Call = call;

        public Queued(AuditRecord record) => Record = record;

        public Queued(TaskCompletionSource stored) => Stored = stored;

        public AuditCall Call { get; }

        public AuditRecord? Record { get; }

        public TaskCompletionSource? Stored { get; }
    }
}
