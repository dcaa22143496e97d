using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Storage;

// The transparency log and "as of" reads of the SQLite store. Leaves hold the leaf hash only: the leaf itself is the
// envelope rebuilt from the submission's stored bytes and signature, so the tree can be recomputed from the store.
public sealed partial class SqliteSubmissionStore
{
    private const string LogSchema = """
        CREATE TABLE IF NOT EXISTS log_leaves (
            leaf_index    INTEGER NOT NULL PRIMARY KEY,
            submission_id TEXT    NOT NULL UNIQUE REFERENCES submissions (submission_id),
            leaf_hash     BLOB    NOT NULL,
            appended_at   TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS log_leaves_hash ON log_leaves (leaf_hash);
        CREATE TABLE IF NOT EXISTS log_checkpoints (
            tree_size   INTEGER NOT NULL PRIMARY KEY,
            root_hash   BLOB    NOT NULL,
            signed_note TEXT    NOT NULL,
            signed_at   TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS log_checkpoints_time ON log_checkpoints (signed_at);
        """;

    public async Task<StoredCheckpoint> GetLatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadCheckpointAsync(connection, null, "ORDER BY tree_size DESC LIMIT 1", cancellationToken)
            ?? throw new InvalidOperationException("The transparency log has no checkpoint: the store was not initialized.");
    }

    public async Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadCheckpointAsync(connection, null, "WHERE tree_size = $p", cancellationToken, treeSize);
    }

    public async Task<StoredCheckpoint?> GetCheckpointAtAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadCheckpointAsync(connection, null, "WHERE signed_at <= $p ORDER BY tree_size DESC LIMIT 1", cancellationToken, SqliteDatabase.FormatTime(time));
    }

    public async Task<IReadOnlyList<byte[]>> GetLeafHashesAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadLeafHashesAsync(connection, null, treeSize, cancellationToken);
    }

    public async Task<long?> FindLeafIndexAsync(byte[] leafHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(leaf_index) FROM log_leaves WHERE leaf_hash = $hash";
        command.Parameters.AddWithValue("$hash", leafHash);
        return await command.ExecuteScalarAsync(cancellationToken) is long index ? index : null;
    }

    public async Task<IReadOnlyList<StoredLogEntry>> GetEntriesAsync(long start, long beyond, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.leaf_index, s.submission_bytes, s.signature, s.submission_id, l.appended_at
            FROM log_leaves l JOIN submissions s ON s.submission_id = l.submission_id
            WHERE l.leaf_index >= $start AND l.leaf_index < $end ORDER BY l.leaf_index LIMIT $limit
            """;
        command.Parameters.AddWithValue("$start", start);
        command.Parameters.AddWithValue("$end", beyond);
        command.Parameters.AddWithValue("$limit", limit);
        var entries = new List<StoredLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StoredLogEntry(
                reader.GetInt64(0),
                LogLeaf.Encode(reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2)),
                reader.GetString(3),
                SqliteDatabase.ParseTime(reader.GetString(4))));
        }

        return entries;
    }

    public async Task<IReadOnlyList<CurrentCell>> GetCellsAsOfAsync(
        string datasetId,
        string tableId,
        IReadOnlyCollection<int> years,
        long treeSize,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = VisibleThen + """
            SELECT v.jurisdiction, v.reference_year, c.codes, c.value, c.variance
            FROM visible v JOIN cells c ON c.submission_id = v.submission_id
            WHERE c.table_id = $table
              AND NOT EXISTS (SELECT 1 FROM visible w
                              WHERE w.jurisdiction = v.jurisdiction AND w.reference_year = v.reference_year AND w.revision > v.revision)
            ORDER BY v.reference_year, v.jurisdiction
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$size", treeSize);
        command.Parameters.AddWithValue("$table", tableId);
        var wanted = years.Count == 0 ? null : years.ToHashSet();
        var cells = new List<CurrentCell>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var year = reader.GetInt32(1);
            if (wanted is null || wanted.Contains(year))
            {
                cells.Add(new CurrentCell(reader.GetString(0), year, SplitCodes(reader.GetString(2)), reader.GetInt64(3), reader.GetDouble(4)));
            }
        }

        return cells;
    }

    public async Task<IReadOnlyList<int>> GetReportedYearsAsOfAsync(string datasetId, long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = VisibleThen + "SELECT DISTINCT reference_year FROM visible ORDER BY reference_year";
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$size", treeSize);
        var years = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            years.Add(reader.GetInt32(0));
        }

        return years;
    }

    // The dataset's submissions whose leaf is within the first $size leaves.
    private const string VisibleThen = """
        WITH visible AS (
            SELECT s.submission_id, s.jurisdiction, s.reference_year, s.revision
            FROM submissions s JOIN log_leaves l ON l.submission_id = s.submission_id
            WHERE s.dataset_id = $dataset AND l.leaf_index < $size)

        """;

    /// <summary>Creates the log tables; appends leaves for submissions stored before the log existed; signs the first checkpoint.</summary>
    private async Task InitializeLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var schema = connection.CreateCommand())
        {
            schema.CommandText = LogSchema;
            await schema.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var missing = new List<(string Id, byte[] Bytes, byte[] Signature, string ReceivedAt)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT submission_id, submission_bytes, signature, received_at FROM submissions
                WHERE submission_id NOT IN (SELECT submission_id FROM log_leaves) ORDER BY received_at, rowid
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                missing.Add((reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3)));
            }
        }

        var hashes = (await ReadLeafHashesAsync(connection, transaction, long.MaxValue, cancellationToken)).ToList();
        foreach (var (id, bytes, signature, receivedAt) in missing)
        {
            var hash = MerkleHash.Leaf(LogLeaf.Encode(bytes, signature));
            await InsertLeafAsync(connection, transaction, hashes.Count, id, hash, receivedAt, cancellationToken);
            hashes.Add(hash);
        }

        var latest = await ReadCheckpointAsync(connection, transaction, "ORDER BY tree_size DESC LIMIT 1", cancellationToken);
        if (latest is null || latest.TreeSize < hashes.Count)
        {
            var size = hashes.Count;
            var root = new MerkleTree(hashes).RootHash(size);
            await InsertCheckpointAsync(connection, transaction, size, root, _logKey.Sign(new Checkpoint(_logKey.Origin, size, root)), SqliteDatabase.FormatTime(DateTimeOffset.UtcNow), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inside the append transaction: the new leaf, the tree after it, its signed checkpoint and the inclusion proof.</summary>
    private async Task<PreparedLeaf> PrepareLeafAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        NewSubmission submission,
        CancellationToken cancellationToken)
    {
        var hashes = (await ReadLeafHashesAsync(connection, transaction, long.MaxValue, cancellationToken)).ToList();
        var leafIndex = hashes.Count;
        var leafHash = MerkleHash.Leaf(LogLeaf.Encode(submission.SubmissionBytes, submission.Signature));
        hashes.Add(leafHash);
        var tree = new MerkleTree(hashes);
        var size = hashes.Count;
        var root = tree.RootHash(size);
        var note = _logKey.Sign(new Checkpoint(_logKey.Origin, size, root));
        return new PreparedLeaf(new LogInclusion(leafIndex, leafHash, size, note, tree.InclusionProof(leafIndex, size)), root);
    }

    private static async Task AppendLeafAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        NewSubmission submission,
        PreparedLeaf leaf,
        CancellationToken cancellationToken)
    {
        var time = SqliteDatabase.FormatTime(submission.ReceivedAt);
        var inclusion = leaf.Inclusion;
        await InsertLeafAsync(connection, transaction, inclusion.LeafIndex, submission.SubmissionId, inclusion.LeafHash, time, cancellationToken);
        await InsertCheckpointAsync(connection, transaction, inclusion.TreeSize, leaf.RootHash, inclusion.Checkpoint, time, cancellationToken);
    }

    private static async Task InsertLeafAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long index,
        string submissionId,
        byte[] hash,
        string appendedAt,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO log_leaves (leaf_index, submission_id, leaf_hash, appended_at) VALUES ($index, $id, $hash, $at)";
        insert.Parameters.AddWithValue("$index", index);
        insert.Parameters.AddWithValue("$id", submissionId);
        insert.Parameters.AddWithValue("$hash", hash);
        insert.Parameters.AddWithValue("$at", appendedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertCheckpointAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long size,
        byte[] root,
        string note,
        string signedAt,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO log_checkpoints (tree_size, root_hash, signed_note, signed_at) VALUES ($size, $root, $note, $at)";
        insert.Parameters.AddWithValue("$size", size);
        insert.Parameters.AddWithValue("$root", root);
        insert.Parameters.AddWithValue("$note", note);
        insert.Parameters.AddWithValue("$at", signedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<byte[]>> ReadLeafHashesAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        long treeSize,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT leaf_hash FROM log_leaves WHERE leaf_index < $size ORDER BY leaf_index";
        command.Parameters.AddWithValue("$size", treeSize);
        var hashes = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    private static async Task<StoredCheckpoint?> ReadCheckpointAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string condition,
        CancellationToken cancellationToken,
        object? parameter = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT tree_size, signed_note, signed_at FROM log_checkpoints " + condition;
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("$p", parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), SqliteDatabase.ParseTime(reader.GetString(2)))
            : null;
    }

    private sealed record PreparedLeaf(LogInclusion Inclusion, byte[] RootHash);
}
