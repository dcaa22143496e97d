using System.Globalization;
using Federation.Contracts.V1;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Storage;

/// <summary>
/// Durable storage of the gateway's transparency log: its leaves (every accepted release exactly as signed, with the
/// receipt the gateway returned), the hashes of its complete subtrees and its signed checkpoints. A store holds no
/// rules: what is accepted is decided by the ingestion, hashes, proofs and checkpoints are computed by the log, and
/// everything the gateway serves is parsed from the leaves. Implemented once per database (SQLite, PostgreSQL); every
/// implementation passes the store conformance suite.
/// </summary>
/// <remarks>
/// Several gateway processes may share one database: the log has one sequence because appends happen only inside
/// an <see cref="ILogAppendTransaction"/>, of which the database lets one exist at a time across all processes.
/// Reads never block on it and see only committed leaves.
/// </remarks>
public interface ILogStore : ILogReader
{
    /// <summary>
    /// Brings the schema to the version this code knows (see <see cref="SchemaMigrator"/>); refuses, with
    /// <see cref="StoreSchemaException"/>, a database whose schema is newer or that cannot be migrated.
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers a trivial read now (for health checks).</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>The index of the first leaf with this leaf hash, or null.</summary>
    Task<long?> FindLeafIndexAsync(byte[] leafHash, CancellationToken cancellationToken);

    /// <summary>The latest signed checkpoint, or null for a log that never signed one.</summary>
    Task<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>The latest checkpoint signed at or before a time, or null when none was.</summary>
    Task<StoredCheckpoint?> GetCheckpointAtAsync(DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until no other append transaction exists (in any process sharing the database), then begins one.
    /// Disposing it without <see cref="ILogAppendTransaction.CommitAsync"/> writes nothing.
    /// </summary>
    Task<ILogAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The only way to write to the log: while it is open no other process or thread can append, so what it reads is
/// the log's latest state and what it appends follows it directly.
/// </summary>
public interface ILogAppendTransaction : ILogReader, IAsyncDisposable
{
    /// <summary>The leaf holding the release with this id, or null.</summary>
    Task<StoredLeaf?> FindReleaseAsync(string releaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the next leaves (consecutive, the first one's index must be the tree size), the complete subtrees they
    /// complete, and the one checkpoint signed for the tree that ends with the last of them.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredLeaf> leaves, IReadOnlyList<(MerkleSubtree Subtree, byte[] Hash)> completedSubtrees, NewCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Stores the checkpoint of the empty log (tree size 0), signed when the log is created.</summary>
    Task AddEmptyLogCheckpointAsync(string signedNote, DateTimeOffset signedAt, CancellationToken cancellationToken);

    /// <summary>Makes every append of this transaction durable and visible, at once.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The reads a replica needs to catch up with the log and verify what it reads: from the store (committed leaves) or
/// inside an append transaction (the latest leaves, those of this transaction included).
/// </summary>
public interface ILogReader
{
    /// <summary>The number of leaves: a cheap query replicas poll to notice appends of other processes.</summary>
    Task<long> GetTreeSizeAsync(CancellationToken cancellationToken);

    /// <summary>Leaves with index in [<paramref name="start"/>, <paramref name="beyond"/>), in order; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredLeaf>> GetLeavesAsync(long start, long beyond, int limit, CancellationToken cancellationToken);

    /// <summary>The stored hashes of these complete subtrees; a subtree not stored is absent from the answer.</summary>
    Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> GetSubtreesAsync(IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken);

    /// <summary>The checkpoint signed at a tree size, or null when none was.</summary>
    Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken);

    /// <summary>
    /// The checkpoints signed at tree sizes from <paramref name="firstSize"/> to <paramref name="lastSize"/> (both
    /// included), smallest first: one per append transaction, so a run of leaves appended together has one, at its end.
    /// </summary>
    Task<IReadOnlyList<StoredCheckpoint>> GetCheckpointsAsync(long firstSize, long lastSize, CancellationToken cancellationToken);
}

/// <summary>What a leaf holds, so that an auditor knows how to parse it (also recorded in the leaf bytes, see <see cref="LogLeaf"/>).</summary>
public enum LeafKind
{
    /// <summary>A statistics release (a signed <c>Submission</c>).</summary>
    StatisticsRelease = 1,

    /// <summary>A service directory release (a signed <c>DirectoryRelease</c>).</summary>
    DirectoryRelease = 2,
}

/// <summary>How a leaf's kind is written in the leaf itself (<see cref="SignedEnvelope.Content"/>), both ways.</summary>
public static class LeafKinds
{
    public static SignedContent ContentOf(LeafKind kind) =>
        kind == LeafKind.DirectoryRelease ? SignedContent.DirectoryRelease : SignedContent.Unspecified;

    public static LeafKind Of(SignedContent content) =>
        content == SignedContent.DirectoryRelease ? LeafKind.DirectoryRelease : LeafKind.StatisticsRelease;
}

/// <summary>
/// A leaf as appended and as stored: <see cref="Leaf"/> is the exact byte string the leaf hash is computed from (the
/// release as signed), with the receipt returned for it and when it was appended; the signer names are kept beside it
/// for administration (which releases a certificate signed), never served as figures.
/// </summary>
public sealed record StoredLeaf(
    long LeafIndex,
    LeafKind Kind,
    string ReleaseId,
    byte[] Leaf,
    byte[] Receipt,
    string SignerSubject,
    string SignerThumbprint,
    DateTimeOffset AppendedAt);

/// <summary>A checkpoint to store: the tree size, its root hash, the whole signed note, and when it was signed.</summary>
public sealed record NewCheckpoint(long TreeSize, byte[] RootHash, string SignedNote, DateTimeOffset SignedAt);

/// <summary>A signed checkpoint as stored: the tree size, the whole signed note, and when it was signed.</summary>
public sealed record StoredCheckpoint(long TreeSize, string SignedNote, DateTimeOffset SignedAt);

/// <summary>
/// Where an appended release sits in the log, with the checkpoint signed just after the leaves appended with it (the
/// tree of <see cref="TreeSize"/> leaves, which holds it) and its inclusion proof in that tree.
/// </summary>
public sealed record LogInclusion(long LeafIndex, byte[] LeafHash, long TreeSize, string Checkpoint, IReadOnlyList<byte[]> Proof);

/// <summary>The store's schema cannot be used by this code: newer than it, or left by a version it cannot migrate.</summary>
public sealed class StoreSchemaException(string message) : Exception(message);

/// <summary>The rule every store checks before an append: the leaves follow the log's last leaf, and the checkpoint ends them.</summary>
internal static class LogAppendCheck
{
    public static void ThrowIfNotNext(long treeSize, IReadOnlyList<StoredLeaf> leaves, NewCheckpoint checkpoint)
    {
        var consecutive = leaves.Count > 0 && leaves.Select((leaf, i) => leaf.LeafIndex == treeSize + i).All(next => next);
        if (!consecutive || checkpoint.TreeSize != treeSize + leaves.Count)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The log has {treeSize} leaves: the next leaves are {treeSize} onwards, each following the other, and their checkpoint is at size {treeSize + leaves.Count}, not leaves {string.Join(", ", leaves.Select(l => l.LeafIndex))} and size {checkpoint.TreeSize}."));
        }
    }
}
