using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Transparency;
using Google.Protobuf;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// Appends verified releases to the log, statistics and directory alike, deciding under the log's single writer
/// (one <see cref="ILogAppendTransaction"/> at a time across every process sharing the database), on the served
/// state caught up to the log's latest leaf: a release already in the log returns its first receipt; a release of a
/// series must be newer than the series' current one (<see cref="ReleaseSeries"/>) and gets the next revision; then
/// the release-specific admission rule runs; then the leaf, its subtrees and checkpoint are appended.
/// </summary>
/// <remarks>
/// Group commit: releases submitted at the same time are appended by one writer of this process in one transaction,
/// with one signed checkpoint for the tree that ends with the last of them (each receipt carries that checkpoint and
/// its leaf's inclusion proof in it), committed once, so a commit's fsync and a checkpoint's signature are paid per
/// batch, not per release. The writer extends the served snapshot's verified frontier (it reads no hashes back), and
/// once committed the batch's leaves are served from the very bytes written, checked as any leaf is, and from the
/// messages the ingestion already parsed from them (<see cref="ServedLog.ServeAppendedAsync"/>), without reading them back. Releases whose decisions
/// read the same part of the served state (<see cref="ReleaseToAppend.DecisionScope"/>) never share a batch: each is
/// decided on a snapshot that already holds the other, exactly as if they had come one after the other. A release
/// refused by its rule writes nothing and does not affect the others of its batch; a store failure fails the whole
/// batch (nothing of it is written).
/// </remarks>
public sealed class ReleaseAppender(ILogStore store, TransparencyLog log, ServedLog served)
{
    /// <summary>Most releases appended in one transaction.</summary>
    public const int MaxBatch = 256;

    private readonly Lock _lock = new();
    private readonly List<PendingAppend> _queue = [];
    private bool _writing;

    /// <summary>
    /// Appends <paramref name="release"/> unless it is already in the log or older than its series' current release.
    /// <paramref name="admit"/> is the place for rules that depend on what was accepted before (it sees the snapshot the
    /// decision is made on, and refuses by throwing <see cref="RequestRefusedException"/>; nothing is written then).
    /// <paramref name="createReceipt"/> is given the decision and the leaf's place in the log.
    /// </summary>
    public Task<ReleaseAppendResult> AppendAsync(
        ReleaseToAppend release,
        Action<ServedSnapshot, SeriesDecision>? admit,
        Func<SeriesDecision, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(createReceipt);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(release, admit, createReceipt, cancellationToken);
        bool lead;
        lock (_lock)
        {
            _queue.Add(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }

        return pending.Result.Task;
    }

    // The process's one writer: appends what is queued, batch after batch, until the queue is empty.
    private async Task WriteQueuedAsync()
    {
        while (TakeBatch() is { Count: > 0 } batch)
        {
            try
            {
                await WriteBatchAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(e);
                }
            }
        }
    }

    // The oldest queued releases with pairwise different decision scopes (a release without a scope goes alone).
    private List<PendingAppend> TakeBatch()
    {
        lock (_lock)
        {
            var batch = new List<PendingAppend>();
            var scopes = new HashSet<SeriesKey>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < _queue.Count && batch.Count < MaxBatch; i++)
            {
                var scope = _queue[i].Release.DecisionScope;
                if (batch.Count > 0 && (scope is null || scopes.Contains(scope.Value) || ids.Contains(_queue[i].Release.ReleaseId)))
                {
                    continue; // decided after the one of its scope (or the same release) already in this batch
                }

                ids.Add(_queue[i].Release.ReleaseId);

                if (scope is { } first)
                {
                    scopes.Add(first);
                }

                batch.Add(_queue[i]);
                _queue.RemoveAt(i--);
                if (scope is null)
                {
                    break;
                }
            }

            _writing = batch.Count > 0;
            return batch;
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        // One caller's cancellation must not abort the others' appends: the store calls are not cancelled.
        var outcomes = new List<(PendingAppend Pending, AppendOutcome Outcome, byte[]? Receipt, string? CurrentReleaseId)>();
        var accepted = new List<(PendingAppend Pending, SeriesDecision Decision)>();
        ServedSnapshot snapshot;
        LogAppend? appended = null;
        await using (var transaction = await store.BeginAppendAsync(CancellationToken.None))
        {
            snapshot = await served.CurrentAsync(transaction, CancellationToken.None);
            foreach (var pending in batch)
            {
                var release = pending.Release;
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Result.TrySetCanceled(pending.CancellationToken);
                    continue;
                }

                // The snapshot holds every leaf of the log (caught up inside the transaction): only a release in it is read back.
                if (snapshot.ById.ContainsKey(release.ReleaseId))
                {
                    var stored = await transaction.FindReleaseAsync(release.ReleaseId, CancellationToken.None)
                        ?? throw new LogIntegrityException($"Release {release.ReleaseId} is served but its leaf is no longer in the log store: leaf rows were removed.");
                    outcomes.Add((pending, AppendOutcome.AlreadyStored, stored.Receipt, release.ReleaseId));
                    continue;
                }

                var decision = release.Series is { } series
                    ? ReleaseSeries.Decide(snapshot.Current(series), release.ProducedAt)
                    : new SeriesDecision(true, 0, null);
                if (!decision.Accepted)
                {
                    outcomes.Add((pending, AppendOutcome.OlderThanCurrent, null, decision.CurrentReleaseId));
                    continue;
                }

                try
                {
                    pending.Admit?.Invoke(snapshot, decision);
                }
                catch (Exception e)
                {
                    // Refused before anything of it was written: the others of the batch go on.
                    pending.Result.TrySetException(e);
                    continue;
                }

                accepted.Add((pending, decision));
            }

            if (accepted.Count > 0)
            {
                appended = await log.AppendAsync(
                    transaction,
                    accepted.Select(a => new LogEntryToAppend(
                        a.Pending.Release.Kind,
                        a.Pending.Release.ReleaseId,
                        LogLeaf.Encode(a.Pending.Release.SignedBytes, a.Pending.Release.Signature, LeafKinds.ContentOf(a.Pending.Release.Kind)),
                        a.Pending.Release.SignerSubject,
                        a.Pending.Release.SignerThumbprint)).ToArray(),
                    snapshot.Frontier,
                    (i, inclusion) => accepted[i].Pending.CreateReceipt(accepted[i].Decision, inclusion),
                    CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        }

        // Served before any receipt is returned: a caller holding a receipt finds its release in every answer.
        var after = appended is null ? snapshot : await served.ServeAppendedAsync(snapshot, appended, accepted.Select(a => a.Pending.Release.Message).ToArray(), CancellationToken.None);
        for (var i = 0; i < accepted.Count; i++)
        {
            accepted[i].Pending.Result.TrySetResult(new ReleaseAppendResult(AppendOutcome.Stored, appended!.Leaves[i].Receipt, accepted[i].Pending.Release.ReleaseId, after));
        }

        foreach (var (pending, outcome, receipt, current) in outcomes)
        {
            pending.Result.TrySetResult(new ReleaseAppendResult(outcome, receipt, current, snapshot));
        }
    }

    private sealed class PendingAppend(
        ReleaseToAppend release,
        Action<ServedSnapshot, SeriesDecision>? admit,
        Func<SeriesDecision, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        public ReleaseToAppend Release => release;

        public Action<ServedSnapshot, SeriesDecision>? Admit => admit;

        public Func<SeriesDecision, LogInclusion, byte[]> CreateReceipt => createReceipt;

        public CancellationToken CancellationToken => cancellationToken;

        public TaskCompletionSource<ReleaseAppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A verified release to append: its signed bytes and signature as received, and the series it belongs to (null: none).</summary>
public sealed record ReleaseToAppend(
    LeafKind Kind,
    string ReleaseId,
    SeriesKey? Series,
    DateTimeOffset ProducedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] SignedBytes,
    byte[] Signature)
{
    private readonly SeriesKey? _decisionScope;

    /// <summary>
    /// The message <see cref="SignedBytes"/> hold, as the ingestion parsed them (their canonical encoding checked): once
    /// appended, the release is served from it without parsing the bytes again. Null: the bytes are parsed.
    /// </summary>
    public IMessage? Message { get; init; }

    /// <summary>
    /// The part of the served state the decision on this release reads (its series, unless set): two releases of one
    /// scope are never appended in one batch. Null: it may read anything, and is appended alone.
    /// </summary>
    public SeriesKey? DecisionScope
    {
        get => _decisionScope ?? Series;
        init => _decisionScope = value;
    }
}

/// <summary>What the log did with a release.</summary>
public enum AppendOutcome
{
    /// <summary>Appended as the first release of its series, a revision, or outside any series.</summary>
    Stored,

    /// <summary>The same release was in the log already; nothing was written.</summary>
    AlreadyStored,

    /// <summary>Refused: a release of the series produced at or after this one is current.</summary>
    OlderThanCurrent,
}

/// <summary>
/// The outcome, the receipt (the first one for a duplicate), the release current in the series (for a refusal) and
/// the served state after the append.
/// </summary>
public sealed record ReleaseAppendResult(AppendOutcome Outcome, byte[]? ReceiptBytes, string? CurrentReleaseId, ServedSnapshot Snapshot);
