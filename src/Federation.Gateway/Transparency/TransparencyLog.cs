using System.Collections.Immutable;
using System.Globalization;
using Federation.Gateway.Storage;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Transparency;

/// <summary>
/// The gateway's transparency log: appends leaves (computing the complete subtrees each leaf completes, the new root,
/// the signed checkpoint and the inclusion proof), and answers the latest checkpoint, inclusion and consistency proofs
/// for any checkpointed tree size, and entries for auditors. Every computation reads O(log n) stored subtree hashes
/// (<see cref="CompleteSubtrees"/>); the store only persists what this class computes.
/// </summary>
public sealed class TransparencyLog
{
    /// <summary>Most entries returned by one call; auditors page through the rest.</summary>
    public const int MaxEntriesPerCall = 256;

    private readonly ILogStore _store;
    private readonly LogSigningKey _key;
    private readonly TimeProvider _timeProvider;

    public TransparencyLog(ILogStore store, LogSigningKey key, TimeProvider timeProvider)
    {
        _store = store;
        _key = key;
        _timeProvider = timeProvider;
        VerifierKey = key.VerifierKey;
    }

    /// <summary>The public key checkpoints are signed with (for discovery; verifiers pin it out of band).</summary>
    public LogVerifierKey VerifierKey { get; }

    /// <summary>Signs and stores the empty log's checkpoint when the log has none, so every tree size served has one.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (await _store.GetLatestCheckpointAsync(cancellationToken) is not null)
        {
            return;
        }

        await using var transaction = await _store.BeginAppendAsync(cancellationToken);
        if (await transaction.GetTreeSizeAsync(cancellationToken) == 0 && await _store.GetLatestCheckpointAsync(cancellationToken) is null)
        {
            await transaction.AddEmptyLogCheckpointAsync(Sign(0, MerkleHash.EmptyRoot()), _timeProvider.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Appends a leaf inside <paramref name="transaction"/>: <paramref name="createReceipt"/> is given the leaf's place
    /// (index, hash, the checkpoint signed just after it, its inclusion proof) and returns the receipt stored with it.
    /// Nothing is durable until the caller commits the transaction.
    /// </summary>
    public async Task<LogInclusion> AppendAsync(
        ILogAppendTransaction transaction,
        LeafKind kind,
        string releaseId,
        byte[] leaf,
        string signerSubject,
        string signerThumbprint,
        Func<LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createReceipt);
        var appended = await AppendAsync(
            transaction, [new LogEntryToAppend(kind, releaseId, leaf, signerSubject, signerThumbprint)], null, (_, inclusion) => createReceipt(inclusion), cancellationToken);
        return appended.Inclusions[0];
    }

    /// <summary>
    /// Appends leaves inside <paramref name="transaction"/>, one after the other, with one signed checkpoint for the tree
    /// that ends with the last of them: <paramref name="createReceipt"/> is given each leaf's position in
    /// <paramref name="entries"/> and its place (index, hash, that checkpoint, its inclusion proof in that tree) and
    /// returns the receipt stored with it. <paramref name="frontier"/> is the verified frontier of the transaction's
    /// tree when the caller holds it (then nothing is read: every hash comes from it and the new leaves); null, or one of
    /// another tree, is read from the store. Nothing is durable until the caller commits the transaction.
    /// </summary>
    public async Task<LogAppend> AppendAsync(
        ILogAppendTransaction transaction,
        IReadOnlyList<LogEntryToAppend> entries,
        IReadOnlyDictionary<MerkleSubtree, byte[]>? frontier,
        Func<int, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(createReceipt);
        if (entries.Count == 0)
        {
            throw new ArgumentException("Nothing to append.", nameof(entries));
        }

        var start = await transaction.GetTreeSizeAsync(cancellationToken);
        var end = start + entries.Count;
        var startRoot = CompleteSubtrees.ForRoot(start);
        var known = frontier is not null && frontier.Count == startRoot.Count && startRoot.All(frontier.ContainsKey)
            ? new Dictionary<MerkleSubtree, byte[]>(frontier)
            : new Dictionary<MerkleSubtree, byte[]>(await ReadAsync(transaction.GetSubtreesAsync, startRoot, cancellationToken));
        var completed = new List<(MerkleSubtree Subtree, byte[] Hash)>();
        var leafHashes = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            leafHashes[i] = MerkleHash.Leaf(entries[i].Leaf);
            foreach (var (subtree, hash) in CompleteSubtrees.Append(start + i, leafHashes[i], known))
            {
                known[subtree] = hash;
                completed.Add((subtree, hash));
            }
        }

        // The new tree's frontier and the leaves' audit paths are made of subtrees just completed or already known.
        var missing = Enumerable.Range(0, entries.Count)
            .SelectMany(i => CompleteSubtrees.ForInclusion(start + i, end))
            .Concat(CompleteSubtrees.ForRoot(end))
            .Where(s => !known.ContainsKey(s))
            .Distinct()
            .ToArray();
        foreach (var (subtree, hash) in await ReadAsync(transaction.GetSubtreesAsync, missing, cancellationToken))
        {
            known[subtree] = hash;
        }

        var root = CompleteSubtrees.RootHash(end, known);
        var signedAt = StoredTime(_timeProvider.GetUtcNow());
        var note = Sign(end, root);
        var inclusions = new LogInclusion[entries.Count];
        var leaves = new StoredLeaf[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            inclusions[i] = new LogInclusion(start + i, leafHashes[i], end, note, CompleteSubtrees.InclusionProof(start + i, end, known));
            leaves[i] = new StoredLeaf(start + i, entry.Kind, entry.ReleaseId, entry.Leaf, createReceipt(i, inclusions[i]), entry.SignerSubject, entry.SignerThumbprint, signedAt);
        }

        await transaction.AppendAsync(leaves, completed, new NewCheckpoint(end, root, note, signedAt), cancellationToken);
        return new LogAppend(leaves, inclusions, CompleteSubtrees.ForRoot(end).ToImmutableDictionary(s => s, s => known[s]));
    }

    public async Task<StoredCheckpoint> GetLatestCheckpointAsync(CancellationToken cancellationToken) =>
        await _store.GetLatestCheckpointAsync(cancellationToken)
        ?? throw new InvalidOperationException("The transparency log has no checkpoint: it was not initialized.");

    /// <summary>The inclusion proof of a leaf (by index, or by hash when <paramref name="leafHash"/> is given) in the tree of a checkpoint (0: the latest).</summary>
    public async Task<InclusionAnswer> GetInclusionProofAsync(long? leafIndex, byte[]? leafHash, long treeSize, CancellationToken cancellationToken)
    {
        var checkpoint = await CheckpointAsync(treeSize, "tree_size", cancellationToken);
        long index;
        if (leafHash is not null)
        {
            if (leafHash.Length != MerkleHash.Size)
            {
                throw new RequestRefusedException(RefusalKind.InvalidArgument, $"A leaf hash is {MerkleHash.Size} bytes; {leafHash.Length} were sent.", "leaf_hash");
            }

            index = await _store.FindLeafIndexAsync(leafHash, cancellationToken) ?? throw new RequestRefusedException(
                RefusalKind.NotFound, $"No leaf of the log has hash {Convert.ToHexStringLower(leafHash)}.", "leaf_hash");
        }
        else
        {
            index = leafIndex ?? throw new RequestRefusedException(RefusalKind.InvalidArgument, "Name the leaf: leaf_index or leaf_hash.", "leaf");
        }

        if (index >= checkpoint.TreeSize)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"Leaf {index} is not in the tree of size {checkpoint.TreeSize}."),
                leafHash is null ? "leaf_index" : "leaf_hash");
        }

        var leaf = new MerkleSubtree(0, index);
        var stored = await ReadAsync(_store.GetSubtreesAsync, [.. CompleteSubtrees.ForInclusion(index, checkpoint.TreeSize), leaf], cancellationToken);
        return new InclusionAnswer(index, stored[leaf], checkpoint, CompleteSubtrees.InclusionProof(index, checkpoint.TreeSize, stored));
    }

    /// <summary>The consistency proof from the tree of <paramref name="firstSize"/> leaves to that of a later checkpoint (0: the latest).</summary>
    public async Task<ConsistencyAnswer> GetConsistencyProofAsync(long firstSize, long secondSize, CancellationToken cancellationToken)
    {
        var second = await CheckpointAsync(secondSize, "second_tree_size", cancellationToken);
        if (firstSize < 1 || firstSize > second.TreeSize)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"first_tree_size must be between 1 and {second.TreeSize} (the second tree size); it is {firstSize}."),
                "first_tree_size");
        }

        var stored = await ReadAsync(_store.GetSubtreesAsync, CompleteSubtrees.ForConsistency(firstSize, second.TreeSize), cancellationToken);
        return new ConsistencyAnswer(firstSize, second, CompleteSubtrees.ConsistencyProof(firstSize, second.TreeSize, stored));
    }

    /// <summary>Entries from <paramref name="start"/> up to (not including) <paramref name="stop"/>, at most <see cref="MaxEntriesPerCall"/>.</summary>
    public async Task<IReadOnlyList<StoredLeaf>> GetEntriesAsync(long start, long stop, CancellationToken cancellationToken)
    {
        var latest = await GetLatestCheckpointAsync(cancellationToken);
        if (start < 0 || start >= latest.TreeSize)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"start must be a leaf index below the tree size {latest.TreeSize}; it is {start}."),
                "start");
        }

        if (stop <= start)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "end must be greater than start.", "end");
        }

        return await _store.GetLeavesAsync(start, Math.Min(stop, latest.TreeSize), MaxEntriesPerCall, cancellationToken);
    }

    /// <summary>
    /// The checkpoint an "as of" question refers to: a tree size (which must have been checkpointed), or the latest
    /// checkpoint signed at or before a time. Null when neither is asked.
    /// </summary>
    public async Task<StoredCheckpoint?> ResolveAsOfAsync(long treeSize, DateTimeOffset? time, CancellationToken cancellationToken)
    {
        if (treeSize > 0 && time is not null)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "Ask \"as of\" a tree size or a time, not both.", "as_of_time");
        }

        if (treeSize > 0)
        {
            return await CheckpointAsync(treeSize, "as_of_tree_size", cancellationToken);
        }

        if (time is { } at)
        {
            return await _store.GetCheckpointAtAsync(at, cancellationToken) ?? throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                $"The log had no checkpoint at {at:u}: it started later.",
                "as_of_time");
        }

        return null;
    }

    /// <summary>
    /// The checkpoint of a tree size (0: the latest); refused naming <paramref name="field"/> when the log is smaller
    /// (InvalidArgument) or never signed a checkpoint at that size (NotFound).
    /// </summary>
    public async Task<StoredCheckpoint> CheckpointAsync(long treeSize, string field, CancellationToken cancellationToken)
    {
        // The asked checkpoint is one read; the latest is read only for the latest (0) or to explain a refusal.
        if (treeSize > 0 && await _store.GetCheckpointAsync(treeSize, cancellationToken) is { } asked)
        {
            return asked;
        }

        var latest = await GetLatestCheckpointAsync(cancellationToken);
        if (treeSize == 0 || treeSize == latest.TreeSize)
        {
            return latest;
        }

        if (treeSize < 0 || treeSize > latest.TreeSize)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"The log has {latest.TreeSize} leaves; there is no tree of size {treeSize} yet."),
                field);
        }

        var nearest = await NearestCheckpointsAsync(treeSize, latest.TreeSize, cancellationToken);
        throw new RequestRefusedException(
            RefusalKind.NotFound,
            string.Create(
                CultureInfo.InvariantCulture,
                $"No checkpoint was signed at tree size {treeSize}: leaves appended together get one checkpoint, at the end of their batch. {nearest} Tree sizes given in answers and receipts always have one."),
            field);
    }

    // The signed tree sizes just below and above one that has no checkpoint, said in a sentence.
    private async Task<string> NearestCheckpointsAsync(long treeSize, long latestSize, CancellationToken cancellationToken)
    {
        const long window = 1024;
        var near = await _store.GetCheckpointsAsync(Math.Max(1, treeSize - window), Math.Min(latestSize, treeSize + window), cancellationToken);
        var below = near.LastOrDefault(c => c.TreeSize < treeSize)?.TreeSize;
        var above = near.FirstOrDefault(c => c.TreeSize > treeSize)?.TreeSize ?? latestSize;
        return below is null
            ? string.Create(CultureInfo.InvariantCulture, $"The nearest signed tree size is {above}.")
            : string.Create(CultureInfo.InvariantCulture, $"The nearest signed tree sizes are {below} and {above}.");
    }

    // To the microsecond, which every store keeps exactly (PostgreSQL's timestamps): the leaves this process serves from
    // memory say what every replica reads back from the store.
    private static DateTimeOffset StoredTime(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerMicrosecond));

    private string Sign(long treeSize, byte[] root) => _key.Sign(new Checkpoint(_key.Origin, treeSize, root));

    // Reads subtrees the computation needs; one that is not stored means the log's rows were removed or never written.
    private static async Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> ReadAsync(
        Func<IReadOnlyCollection<MerkleSubtree>, CancellationToken, Task<IReadOnlyDictionary<MerkleSubtree, byte[]>>> read,
        IReadOnlyCollection<MerkleSubtree> subtrees,
        CancellationToken cancellationToken)
    {
        var found = await read(subtrees, cancellationToken);
        var absent = subtrees.FirstOrDefault(s => !found.ContainsKey(s));
        return found.Count == subtrees.Distinct().Count()
            ? found
            : throw new LogIntegrityException(string.Create(
                CultureInfo.InvariantCulture,
                $"The log store lacks the hash of subtree (level {absent.Level}, index {absent.Index}), leaves {absent.Start} to {absent.End - 1}: rows of the log were removed."));
    }
}

/// <summary>The stored log disagrees with itself or with its signed checkpoints: the gateway stops serving.</summary>
public sealed class LogIntegrityException(string message) : Exception(message);

/// <summary>A leaf to append: the exact bytes its hash is computed from, what it holds, and who signed it.</summary>
public sealed record LogEntryToAppend(LeafKind Kind, string ReleaseId, byte[] Leaf, string SignerSubject, string SignerThumbprint);

/// <summary>Leaves appended together: as stored (with their receipts), their places in the log, and the frontier of the tree they end.</summary>
public sealed record LogAppend(IReadOnlyList<StoredLeaf> Leaves, IReadOnlyList<LogInclusion> Inclusions, ImmutableDictionary<MerkleSubtree, byte[]> Frontier);

/// <summary>An inclusion proof with the checkpoint it leads to.</summary>
public sealed record InclusionAnswer(long LeafIndex, byte[] LeafHash, StoredCheckpoint Checkpoint, IReadOnlyList<byte[]> Proof);

/// <summary>A consistency proof with the later checkpoint.</summary>
public sealed record ConsistencyAnswer(long FirstTreeSize, StoredCheckpoint Second, IReadOnlyList<byte[]> Proof);
