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
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(createReceipt);
        var index = await transaction.GetTreeSizeAsync(cancellationToken);
        var size = index + 1;
        var leafHash = MerkleHash.Leaf(leaf);
        var frontier = await ReadAsync(transaction.GetSubtreesAsync, CompleteSubtrees.ForRoot(index), cancellationToken);
        var completed = CompleteSubtrees.Append(index, leafHash, frontier);
        var known = new Dictionary<MerkleSubtree, byte[]>(frontier);
        foreach (var (subtree, hash) in completed)
        {
            known[subtree] = hash;
        }

        // The new tree's frontier and the leaf's audit path are made of subtrees just completed or already stored.
        var missing = CompleteSubtrees.ForInclusion(index, size).Where(s => !known.ContainsKey(s)).ToArray();
        foreach (var (subtree, hash) in await ReadAsync(transaction.GetSubtreesAsync, missing, cancellationToken))
        {
            known[subtree] = hash;
        }

        var root = CompleteSubtrees.RootHash(size, known);
        var signedAt = _timeProvider.GetUtcNow();
        var note = Sign(size, root);
        var inclusion = new LogInclusion(index, leafHash, size, note, CompleteSubtrees.InclusionProof(index, size, known));
        var receipt = createReceipt(inclusion);
        await transaction.AppendAsync(
            new StoredLeaf(index, kind, releaseId, leaf, receipt, signerSubject, signerThumbprint, signedAt),
            completed,
            new NewCheckpoint(size, root, note, signedAt),
            cancellationToken);
        return inclusion;
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

        return await _store.GetCheckpointAsync(treeSize, cancellationToken) ?? throw new RequestRefusedException(
            RefusalKind.NotFound,
            string.Create(CultureInfo.InvariantCulture, $"No checkpoint was signed at tree size {treeSize}."),
            field);
    }

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

/// <summary>An inclusion proof with the checkpoint it leads to.</summary>
public sealed record InclusionAnswer(long LeafIndex, byte[] LeafHash, StoredCheckpoint Checkpoint, IReadOnlyList<byte[]> Proof);

/// <summary>A consistency proof with the later checkpoint.</summary>
public sealed record ConsistencyAnswer(long FirstTreeSize, StoredCheckpoint Second, IReadOnlyList<byte[]> Proof);
