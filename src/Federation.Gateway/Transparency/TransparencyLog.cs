using System.Globalization;
using Federation.Gateway.Storage;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Transparency;

/// <summary>
/// Answers questions about the log from the stored leaf hashes and signed checkpoints: the latest checkpoint,
/// inclusion and consistency proofs for any checkpointed tree size, and entries for auditors.
/// </summary>
public sealed class TransparencyLog
{
    /// <summary>Most entries returned by one call; auditors page through the rest.</summary>
    public const int MaxEntriesPerCall = 256;

    private readonly ITransparencyLogStore _store;

    public TransparencyLog(ITransparencyLogStore store, LogSigningKey key)
    {
        _store = store;
        VerifierKey = key.VerifierKey;
    }

    /// <summary>The public key checkpoints are signed with (for discovery; verifiers pin it out of band).</summary>
    public LogVerifierKey VerifierKey { get; }

    public Task<StoredCheckpoint> GetLatestCheckpointAsync(CancellationToken cancellationToken) =>
        _store.GetLatestCheckpointAsync(cancellationToken);

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

        var hashes = await _store.GetLeafHashesAsync(checkpoint.TreeSize, cancellationToken);
        var tree = new MerkleTree(hashes);
        return new InclusionAnswer(index, hashes[(int)index], checkpoint, tree.InclusionProof(index, checkpoint.TreeSize));
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

        var tree = new MerkleTree(await _store.GetLeafHashesAsync(second.TreeSize, cancellationToken));
        return new ConsistencyAnswer(firstSize, second, tree.ConsistencyProof(firstSize, second.TreeSize));
    }

    /// <summary>Entries from <paramref name="start"/> up to (not including) <paramref name="stop"/>, at most <see cref="MaxEntriesPerCall"/>.</summary>
    public async Task<IReadOnlyList<StoredLogEntry>> GetEntriesAsync(long start, long stop, CancellationToken cancellationToken)
    {
        var latest = await _store.GetLatestCheckpointAsync(cancellationToken);
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

        return await _store.GetEntriesAsync(start, Math.Min(stop, latest.TreeSize), MaxEntriesPerCall, cancellationToken);
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

    private async Task<StoredCheckpoint> CheckpointAsync(long treeSize, string field, CancellationToken cancellationToken)
    {
        var latest = await _store.GetLatestCheckpointAsync(cancellationToken);
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
}

/// <summary>An inclusion proof with the checkpoint it leads to.</summary>
public sealed record InclusionAnswer(long LeafIndex, byte[] LeafHash, StoredCheckpoint Checkpoint, IReadOnlyList<byte[]> Proof);

/// <summary>A consistency proof with the later checkpoint.</summary>
public sealed record ConsistencyAnswer(long FirstTreeSize, StoredCheckpoint Second, IReadOnlyList<byte[]> Proof);
