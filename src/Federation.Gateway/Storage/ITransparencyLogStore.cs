namespace Federation.Gateway.Storage;

/// <summary>
/// Read side of the transparency log kept with the submissions: leaves are appended (and a checkpoint signed) in the
/// same transaction as each accepted submission, see <see cref="ISubmissionStore.AppendAsync"/>.
/// </summary>
public interface ITransparencyLogStore
{
    /// <summary>The latest signed checkpoint (the store signs one for the empty log when it is created).</summary>
    Task<StoredCheckpoint> GetLatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoint signed at a tree size, or null when none was.</summary>
    Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken);

    /// <summary>The latest checkpoint signed at or before a time, or null when none was.</summary>
    Task<StoredCheckpoint?> GetCheckpointAtAsync(DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>The leaf hashes of the first <paramref name="treeSize"/> leaves, in order.</summary>
    Task<IReadOnlyList<byte[]>> GetLeafHashesAsync(long treeSize, CancellationToken cancellationToken);

    /// <summary>The index of the first leaf with this hash, or null.</summary>
    Task<long?> FindLeafIndexAsync(byte[] leafHash, CancellationToken cancellationToken);

    /// <summary>Entries [start, beyond), rebuilt from the stored envelopes; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredLogEntry>> GetEntriesAsync(long start, long beyond, int limit, CancellationToken cancellationToken);
}

/// <summary>A signed checkpoint as stored: the tree size, the whole signed note, and when it was signed.</summary>
public sealed record StoredCheckpoint(long TreeSize, string SignedNote, DateTimeOffset SignedAt);

/// <summary>One leaf: its index, the envelope bytes (the leaf), the submission it holds and when it was appended.</summary>
public sealed record StoredLogEntry(long LeafIndex, byte[] Entry, string SubmissionId, DateTimeOffset AppendedAt);

/// <summary>Where an appended submission sits in the log, with the checkpoint signed just after it and its proof.</summary>
public sealed record LogInclusion(long LeafIndex, byte[] LeafHash, long TreeSize, string Checkpoint, IReadOnlyList<byte[]> Proof);
