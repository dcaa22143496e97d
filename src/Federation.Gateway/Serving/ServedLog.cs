using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Transparency;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.Serving;

/// <summary>
/// What the gateway serves: the releases of the log, read from the leaf bytes and checked before anything is served.
/// Catching up (at start-up, and whenever the store's tree size grew because another process appended) recomputes
/// each new leaf's hash from its bytes, the subtrees it completes and the roots, compares them with the stored subtree
/// hashes and the signed checkpoints (log verifier key), and only then parses the leaves. Any mismatch stops serving
/// for good (fail closed) with a message naming the leaf and its release. This process's own appends are served from
/// the bytes it has just written and committed, parsed and checked the same way (<see cref="ServeAppendedAsync"/>):
/// reading them back would only re-read those bytes.
/// </summary>
public sealed partial class ServedLog : IDisposable
{
    private const int LeavesPerRead = 512;

    private readonly ILogStore _store;
    private readonly LogVerifierKey _verifierKey;
    private readonly DatasetCatalog _catalog;
    private readonly ILogger<ServedLog> _logger;
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private ServedSnapshot _snapshot = ServedSnapshot.Empty;
    private string? _failure;
    private bool _checkedBeyond;

    public ServedLog(ILogStore store, LogSigningKey key, DatasetCatalog catalog, ILogger<ServedLog> logger)
    {
        _store = store;
        _verifierKey = key.VerifierKey;
        _catalog = catalog;
        _logger = logger;
    }

    /// <summary>The snapshot as of the store's latest leaf (catching up first when another process appended).</summary>
    public async Task<ServedSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var snapshot = Volatile.Read(ref _snapshot);
        var size = await _store.GetTreeSizeAsync(cancellationToken);
        return size == snapshot.TreeSize ? snapshot : await CatchUpAsync(_store, cancellationToken);
    }

    /// <summary>Inside an append transaction: the snapshot of the log's latest state, which the decision is made on.</summary>
    public Task<ServedSnapshot> CurrentAsync(ILogAppendTransaction transaction, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        return CatchUpAsync(transaction, cancellationToken);
    }

    /// <summary>
    /// The snapshot verified last, without reading the store: it advances when this process appends and, with
    /// replicas, when the follower hears of another's append. What queries are answered from.
    /// </summary>
    public ServedSnapshot Latest
    {
        get
        {
            ThrowIfFailed();
            return Volatile.Read(ref _snapshot);
        }
    }

    /// <summary>The number of leaves verified and served now, without asking the store (for the log size metric).</summary>
    public long TreeSize => Volatile.Read(ref _snapshot).TreeSize;

    /// <summary>
    /// Serves the leaves this process has just appended and committed on top of <paramref name="before"/> (the snapshot
    /// the append was decided on), from the bytes written: parsed and checked like every leaf; the frontier is the one the
    /// log computed from those bytes. When the served snapshot has meanwhile moved (another caller caught up from the
    /// store), the store is caught up instead.
    /// </summary>
    /// <param name="before">The snapshot the append was decided on.</param>
    /// <param name="appended">The leaves written and committed.</param>
    /// <param name="messages">
    /// Per leaf, the message its signed bytes hold as the ingestion parsed them (canonical encoding checked), served
    /// without parsing those bytes again; null (or a null entry) parses the bytes.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the served state.</param>
    public async Task<ServedSnapshot> ServeAppendedAsync(
        ServedSnapshot before, LogAppend appended, IReadOnlyList<IMessage?>? messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(appended);
        if (messages is not null && messages.Count != appended.Leaves.Count)
        {
            throw new ArgumentException($"{messages.Count} parsed messages for {appended.Leaves.Count} appended leaves.", nameof(messages));
        }

        var start = appended.Leaves[0].LeafIndex;
        var end = appended.Leaves[^1].LeafIndex + 1;
        await _catchUp.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFailed();
            var snapshot = _snapshot;
            if (snapshot.TreeSize >= end)
            {
                return snapshot;
            }

            if (snapshot.TreeSize == start && before.TreeSize == start)
            {
                snapshot = Apply(snapshot, appended.Leaves, appended.Frontier, messages);
                Volatile.Write(ref _snapshot, snapshot);
                LogCaughtUp(start, end);
                return snapshot;
            }
        }
        finally
        {
            _catchUp.Release();
        }

        return await CatchUpAsync(_store, cancellationToken);
    }

    /// <summary>Why this process stopped serving the log (it failed verification), or null while it serves.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public void Dispose() => _catchUp.Dispose();

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new LogIntegrityException(failure);
        }
    }

    private async Task<ServedSnapshot> CatchUpAsync(ILogReader reader, CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFailed();
            var snapshot = _snapshot;
            var target = await reader.GetTreeSizeAsync(cancellationToken);
            if (target < snapshot.TreeSize)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"The log store holds {target} leaves, fewer than the {snapshot.TreeSize} already verified: leaves were removed."));
            }

            var grew = snapshot.TreeSize < target;
            while (snapshot.TreeSize < target)
            {
                snapshot = await VerifyAndApplyAsync(reader, snapshot, target, cancellationToken);
                Volatile.Write(ref _snapshot, snapshot);
            }

            // Checked whenever leaves were read (and once at start): the end of a log already verified only shrinks,
            // which the tree size shows.
            if (grew || !_checkedBeyond)
            {
                await CheckNothingBeyondAsync(target, cancellationToken);
                _checkedBeyond = true;
            }

            return snapshot;
        }
        finally
        {
            _catchUp.Release();
        }
    }

    // A checkpoint signed beyond the last stored leaf means leaves at the end were removed (the rest still verifies).
    private async Task CheckNothingBeyondAsync(long treeSize, CancellationToken cancellationToken)
    {
        var latest = await _store.GetLatestCheckpointAsync(cancellationToken);
        // Another process may have committed a leaf with its checkpoint since the tree size was read: read it again.
        if (latest is not null && latest.TreeSize > treeSize && latest.TreeSize > await _store.GetTreeSizeAsync(cancellationToken))
        {
            Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"The log store holds {treeSize} leaves but a checkpoint was signed at tree size {latest.TreeSize}: leaves {treeSize} to {latest.TreeSize - 1} were removed. Restore the database from a backup."));
        }
    }

    // One read of leaves up to the last checkpoint signed among them (one per append transaction): hashes recomputed
    // from the bytes, checked against the stored subtrees and that signed checkpoint, then parsed.
    private async Task<ServedSnapshot> VerifyAndApplyAsync(ILogReader reader, ServedSnapshot snapshot, long target, CancellationToken cancellationToken)
    {
        var start = snapshot.TreeSize;
        var leaves = new List<StoredLeaf>();
        var checkpoints = new List<StoredCheckpoint>();
        do
        {
            var read = start + leaves.Count;
            var page = await reader.GetLeavesAsync(read, target, LeavesPerRead, cancellationToken);
            if (page.Count == 0 || page[0].LeafIndex != read)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"Leaf {read} of the log is missing from the store although it reports {target} leaves: a leaf row was removed."));
            }

            leaves.AddRange(page);
            checkpoints.AddRange(await reader.GetCheckpointsAsync(read + 1, start + leaves.Count, cancellationToken));
        }
        while (checkpoints.Count == 0 && start + leaves.Count < target);

        var frontier = new Dictionary<MerkleSubtree, byte[]>(snapshot.Frontier);
        var completed = new List<(MerkleSubtree Subtree, byte[] Hash, StoredLeaf Leaf)>();
        var roots = new List<byte[]>();
        var expected = start;
        foreach (var leaf in leaves)
        {
            if (leaf.LeafIndex != expected)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"Leaf {expected} of the log is missing from the store (the next stored leaf is {leaf.LeafIndex}): a leaf row was removed."));
            }

            expected++;
        }

        if (checkpoints.Count == 0)
        {
            Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"The log store holds {target} leaves but no checkpoint was signed at a tree size from {start + 1} to {target}: the leaves after the last checkpoint were removed, or the checkpoints. Restore the database from a backup."));
        }

        // Served up to the last checkpoint read; the leaves after it are read again with theirs.
        var end = checkpoints[^1].TreeSize;
        leaves.RemoveRange((int)(end - start), leaves.Count - (int)(end - start));
        foreach (var leaf in leaves)
        {
            foreach (var (subtree, hash) in CompleteSubtrees.Append(leaf.LeafIndex, MerkleHash.Leaf(leaf.Leaf), frontier))
            {
                completed.Add((subtree, hash, leaf));
                frontier[subtree] = hash;
            }

            var size = leaf.LeafIndex + 1;
            foreach (var stale in frontier.Keys.Except(CompleteSubtrees.ForRoot(size)).ToArray())
            {
                frontier.Remove(stale);
            }

            roots.Add(CompleteSubtrees.RootHash(size, frontier));
        }

        var stored = await reader.GetSubtreesAsync(completed.Select(c => c.Subtree).ToArray(), cancellationToken);
        CheckCheckpoints(start, checkpoints, roots, leaves, stored);
        foreach (var (subtree, hash, leaf) in completed)
        {
            if (!stored.TryGetValue(subtree, out var storedHash) || !storedHash.AsSpan().SequenceEqual(hash))
            {
                Fail($"The stored hash of subtree (level {subtree.Level}, index {subtree.Index}) differs from the one recomputed from the bytes of leaves {subtree.Start} to {subtree.End - 1} ({Describe(leaf)}): the log store was altered.");
            }
        }

        snapshot = Apply(snapshot, leaves, frontier.ToImmutableDictionary());
        LogCaughtUp(start, end);
        return snapshot;
    }

    // Parses verified leaves (following the snapshot's last one) into the snapshot, checking what the gateway never
    // accepts: a revision produced no later than the release it supersedes, a release twice.
    private ServedSnapshot Apply(
        ServedSnapshot snapshot, IReadOnlyList<StoredLeaf> leaves, ImmutableDictionary<MerkleSubtree, byte[]> frontier, IReadOnlyList<IMessage?>? messages = null)
    {
        var end = snapshot.TreeSize + leaves.Count;
        for (var i = 0; i < leaves.Count; i++)
        {
            var leaf = leaves[i];
            var release = Parse(leaf, messages?[i]);
            if (release.Revision != 0)
            {
                var decision = ReleaseSeries.Decide(snapshot.Current(release.Series), release.ProducedAt);
                if (!decision.Accepted)
                {
                    Fail($"Leaf {leaf.LeafIndex} ({Describe(leaf)}) was produced no later than the release current before it ({decision.CurrentReleaseId}); the gateway never accepts that.");
                }

                release = release with { Revision = decision.Revision };
            }

            if (snapshot.ById.ContainsKey(release.ReleaseId))
            {
                Fail($"Leaf {leaf.LeafIndex} ({Describe(leaf)}) repeats a release already in the log.");
            }

            snapshot = snapshot.With(release, leaf.LeafIndex + 1 == end ? frontier : snapshot.Frontier);
        }

        return snapshot;
    }

    // The last signed checkpoint of the read must hold the recomputed root; when it does not, the earlier checkpoints
    // find the first append whose leaves differ from what was signed, and in it the first leaf whose bytes no longer
    // hash to its stored leaf hash.
    private void CheckCheckpoints(
        long start, List<StoredCheckpoint> checkpoints, List<byte[]> roots, List<StoredLeaf> leaves, IReadOnlyDictionary<MerkleSubtree, byte[]> stored)
    {
        var problem = CheckpointProblem(checkpoints[^1], roots[^1]);
        if (problem is null)
        {
            return;
        }

        // The root at size 'good' is verified (start: by the previous read); at checkpoints[bad] it is not.
        long good = start;
        int low = -1, bad = checkpoints.Count - 1;
        while (bad - low > 1)
        {
            var middle = low + ((bad - low) / 2);
            if (CheckpointProblem(checkpoints[middle], roots[(int)(checkpoints[middle].TreeSize - start - 1)]) is null)
            {
                low = middle;
                good = checkpoints[middle].TreeSize;
            }
            else
            {
                bad = middle;
            }
        }

        var badSize = checkpoints[bad].TreeSize;
        var suspects = leaves.Skip((int)(good - start)).Take((int)(badSize - good)).ToArray();
        var culprit = suspects.FirstOrDefault(l => !stored.TryGetValue(new MerkleSubtree(0, l.LeafIndex), out var hash) || !hash.AsSpan().SequenceEqual(MerkleHash.Leaf(l.Leaf)))
            ?? suspects[0];
        var which = suspects.Length == 1
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" (one of leaves {good} to {badSize - 1}, appended together)");
        Fail(string.Create(
            CultureInfo.InvariantCulture,
            $"Leaf {culprit.LeafIndex} ({Describe(culprit)}){which} does not match the log's signed checkpoints: {(bad == checkpoints.Count - 1 && good == start ? problem : $"the checkpoint signed at tree size {badSize} does not hold the root recomputed from the stored bytes")}. The stored release was changed after it was signed into the log; restore the database from a backup."));
    }

    private string? CheckpointProblem(StoredCheckpoint stored, byte[] root)
    {
        var size = stored.TreeSize;
        var checkpoint = _verifierKey.TryOpenCheckpoint(stored.SignedNote, out var error);
        if (checkpoint is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the checkpoint at tree size {size} is not validly signed by the log key ({error})");
        }

        return checkpoint.TreeSize == size && checkpoint.RootHash.AsSpan().SequenceEqual(root)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"the checkpoint signed at tree size {size} holds another root than the one recomputed from the stored bytes");
    }

    private ServedRelease Parse(StoredLeaf leaf, IMessage? parsed)
    {
        SignedEnvelope envelope;
        try
        {
            envelope = SignedEnvelope.Parser.ParseFrom(leaf.Leaf);
        }
        catch (InvalidProtocolBufferException e)
        {
            Fail($"Leaf {leaf.LeafIndex} ({Describe(leaf)}) is not a signed envelope: {e.Message}");
            throw;
        }

        var kind = LeafKinds.Of(envelope.Content);
        var releaseId = Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span));
        if (kind != leaf.Kind || releaseId != leaf.ReleaseId)
        {
            Fail($"Leaf {leaf.LeafIndex} is stored as {leaf.Kind} {leaf.ReleaseId} but its bytes hold {kind} {releaseId}: the log store was altered.");
        }

        try
        {
            return kind == LeafKind.DirectoryRelease
                ? ParseDirectoryRelease(leaf, envelope, parsed as DirectoryRelease)
                : ParseStatisticsRelease(leaf, envelope, parsed as Submission);
        }
        catch (InvalidProtocolBufferException e)
        {
            Fail($"Leaf {leaf.LeafIndex} ({Describe(leaf)}) does not parse: {e.Message}");
            throw;
        }
    }

    private StatisticsRelease ParseStatisticsRelease(StoredLeaf leaf, SignedEnvelope envelope, Submission? parsed)
    {
        var submission = parsed ?? Submission.Parser.ParseFrom(envelope.Submission);
        var policy = _catalog.Find(submission.DatasetId)?.Protection;
        var cells = submission.Tables
            .SelectMany(t => t.Cells.Select(c => new StoredCell(t.TableId, c.Codes.ToArray(), c.Value, policy?.CellVariance(t.TableId) ?? 0)))
            .ToArray();
        return new StatisticsRelease(
            leaf.LeafIndex,
            leaf.ReleaseId,
            SeriesKey.Statistics(submission.DatasetId, submission.Jurisdiction, submission.ReferenceYear),
            submission.ProducedAt.ToDateTimeOffset(),
            leaf.AppendedAt,
            leaf.SignerSubject,
            leaf.SignerThumbprint,
            envelope.Signature.ToByteArray(),
            submission.DatasetId,
            submission.Jurisdiction,
            submission.ReferenceYear,
            cells)
        { Revision = 1 };
    }

    private static DirectoryLogRelease ParseDirectoryRelease(StoredLeaf leaf, SignedEnvelope envelope, DirectoryRelease? parsed)
    {
        var release = parsed ?? DirectoryRelease.Parser.ParseFrom(envelope.Submission);
        return new DirectoryLogRelease(
            leaf.LeafIndex,
            leaf.ReleaseId,
            SeriesKey.DirectorySnapshots(release.Jurisdiction),
            release.ProducedAt.ToDateTimeOffset(),
            leaf.AppendedAt,
            leaf.SignerSubject,
            leaf.SignerThumbprint,
            envelope.Signature.ToByteArray(),
            release.Jurisdiction,
            release,
            envelope.Submission.ToByteArray())
        { Revision = release.ContentCase == DirectoryRelease.ContentOneofCase.Snapshot ? 1 : 0 };
    }

    private static string Describe(StoredLeaf leaf) => leaf.Kind == LeafKind.DirectoryRelease
        ? $"directory release {leaf.ReleaseId}"
        : $"statistics release {leaf.ReleaseId}{DescribeStatistics(leaf.Leaf)}";

    // Best effort: the dataset, jurisdiction and year the bytes claim, to help the operator find the release.
    private static string DescribeStatistics(byte[] leaf)
    {
        try
        {
            var submission = Submission.Parser.ParseFrom(SignedEnvelope.Parser.ParseFrom(leaf).Submission);
            return string.Create(CultureInfo.InvariantCulture, $" of {submission.DatasetId} for {submission.Jurisdiction} {submission.ReferenceYear}");
        }
        catch (InvalidProtocolBufferException)
        {
            return string.Empty;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string message)
    {
        Volatile.Write(ref _failure, message);
        LogFailed(message);
        throw new LogIntegrityException(message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Verified and now serving leaves {Start} to {End} of the log")]
    private partial void LogCaughtUp(long start, long end);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The gateway stopped serving: {Problem}")]
    private partial void LogFailed(string problem);
}
