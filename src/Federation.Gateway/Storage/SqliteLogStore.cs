using System.Data.Common;
using System.Globalization;
using System.Text;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Storage;

/// <summary>
/// The log store in one SQLite file (WAL mode: readers never wait for the writer). An append transaction is a
/// <c>BEGIN IMMEDIATE</c> transaction, which SQLite grants to one connection of any process at a time.
/// </summary>
public sealed class SqliteLogStore : ILogStore
{
    private readonly SqliteDatabase _database;
    private readonly string _path;

    public SqliteLogStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _path = databasePath;
        _database = new SqliteDatabase(databasePath);
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        var migrator = new SchemaMigrator(
            $"The gateway database {_path}",
            SqliteLogSchema.Migrations(_path),
            async (c, ct) => await c.BeginTransactionAsync(ct)); // Microsoft.Data.Sqlite begins IMMEDIATE transactions by default
        await migrator.MigrateAsync(connection, cancellationToken);
    }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'log_entries'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public async Task<long> GetTreeSizeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.TreeSizeAsync(connection, null, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredLeaf>> GetLeavesAsync(long start, long beyond, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.LeavesAsync(connection, null, "leaf_index >= $start AND leaf_index < $end ORDER BY leaf_index LIMIT $limit", cancellationToken, ("$start", start), ("$end", beyond), ("$limit", limit));
    }

    public async Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> GetSubtreesAsync(IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.SubtreesAsync(connection, null, subtrees, cancellationToken);
    }

    public async Task<long?> FindLeafIndexAsync(byte[] leafHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(subtree_index) FROM log_subtrees WHERE level = 0 AND hash = $hash";
        command.Parameters.AddWithValue("$hash", leafHash);
        return await command.ExecuteScalarAsync(cancellationToken) is long index ? index : null;
    }

    public async Task<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointAsync(connection, null, "ORDER BY tree_size DESC LIMIT 1", null, cancellationToken);
    }

    public async Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointAsync(connection, null, "WHERE tree_size = $p", treeSize, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredCheckpoint>> GetCheckpointsAsync(long firstSize, long lastSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointsAsync(connection, null, firstSize, lastSize, cancellationToken);
    }

    public async Task<StoredCheckpoint?> GetCheckpointAtAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointAsync(connection, null, "WHERE signed_at <= $p ORDER BY tree_size DESC LIMIT 1", SqliteDatabase.FormatTime(time), cancellationToken);
    }

    public async Task<ILogAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE: waits (busy timeout) while another connection of any process holds the write lock.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            return new AppendTransaction(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class AppendTransaction(SqliteConnection connection, SqliteTransaction transaction) : ILogAppendTransaction
    {
        public Task<long> GetTreeSizeAsync(CancellationToken cancellationToken) => Reads.TreeSizeAsync(connection, transaction, cancellationToken);

        public Task<IReadOnlyList<StoredLeaf>> GetLeavesAsync(long start, long beyond, int limit, CancellationToken cancellationToken) =>
            Reads.LeavesAsync(connection, transaction, "leaf_index >= $start AND leaf_index < $end ORDER BY leaf_index LIMIT $limit", cancellationToken, ("$start", start), ("$end", beyond), ("$limit", limit));

        public async Task<StoredLeaf?> FindReleaseAsync(string releaseId, CancellationToken cancellationToken) =>
            await Reads.LeavesAsync(connection, transaction, "release_id = $id", cancellationToken, ("$id", releaseId)) is [var found] ? found : null;

        public Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> GetSubtreesAsync(IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken) =>
            Reads.SubtreesAsync(connection, transaction, subtrees, cancellationToken);

        public Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken) =>
            Reads.CheckpointAsync(connection, transaction, "WHERE tree_size = $p", treeSize, cancellationToken);

        public Task<IReadOnlyList<StoredCheckpoint>> GetCheckpointsAsync(long firstSize, long lastSize, CancellationToken cancellationToken) =>
            Reads.CheckpointsAsync(connection, transaction, firstSize, lastSize, cancellationToken);

        public async Task AppendAsync(IReadOnlyList<StoredLeaf> leaves, IReadOnlyList<(MerkleSubtree Subtree, byte[] Hash)> completedSubtrees, NewCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(leaves);
            ArgumentNullException.ThrowIfNull(completedSubtrees);
            ArgumentNullException.ThrowIfNull(checkpoint);
            LogAppendCheck.ThrowIfNotNext(await GetTreeSizeAsync(cancellationToken), leaves, checkpoint);
            await SqliteLogSchema.InsertLeavesAsync(connection, transaction, leaves, cancellationToken);
            await SqliteLogSchema.InsertSubtreesAsync(connection, transaction, completedSubtrees, cancellationToken);
            await SqliteLogSchema.InsertCheckpointAsync(connection, transaction, checkpoint, cancellationToken);
        }

        public async Task AddEmptyLogCheckpointAsync(string signedNote, DateTimeOffset signedAt, CancellationToken cancellationToken)
        {
            if (await GetTreeSizeAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException("The log is not empty: only the empty log's checkpoint is stored without a leaf.");
            }

            await SqliteLogSchema.InsertCheckpointAsync(connection, transaction, new NewCheckpoint(0, MerkleHash.EmptyRoot(), signedNote, signedAt), cancellationToken);
        }

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static class Reads
    {
        public static async Task<long> TreeSizeAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // leaf_index is the rowid: max() is one index lookup, whatever the log's size.
            command.CommandText = "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM log_entries";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        public static async Task<IReadOnlyList<StoredLeaf>> LeavesAsync(
            SqliteConnection connection,
            SqliteTransaction? transaction,
            string condition,
            CancellationToken cancellationToken,
            params (string Name, object Value)[] parameters)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT leaf_index, kind, release_id, leaf, receipt, signer_subject, signer_thumbprint, appended_at FROM log_entries WHERE " + condition;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var leaves = new List<StoredLeaf>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                leaves.Add(new StoredLeaf(
                    reader.GetInt64(0),
                    (LeafKind)reader.GetInt32(1),
                    reader.GetString(2),
                    reader.GetFieldValue<byte[]>(3),
                    reader.GetFieldValue<byte[]>(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    SqliteDatabase.ParseTime(reader.GetString(7))));
            }

            return leaves;
        }

        public static async Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> SubtreesAsync(
            SqliteConnection connection,
            SqliteTransaction? transaction,
            IReadOnlyCollection<MerkleSubtree> subtrees,
            CancellationToken cancellationToken)
        {
            var found = new Dictionary<MerkleSubtree, byte[]>();
            if (subtrees.Count == 0)
            {
                return found;
            }

            // One query for all (at most a few hundred) subtrees: each is one primary-key lookup.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("SELECT level, subtree_index, hash FROM log_subtrees WHERE (level, subtree_index) IN (VALUES ");
            var i = 0;
            foreach (var subtree in new HashSet<MerkleSubtree>(subtrees))
            {
                sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"($l{i}, $i{i})");
                command.Parameters.AddWithValue($"$l{i}", subtree.Level);
                command.Parameters.AddWithValue($"$i{i}", subtree.Index);
                i++;
            }

            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[new MerkleSubtree(reader.GetInt32(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
            }

            return found;
        }

        public static async Task<IReadOnlyList<StoredCheckpoint>> CheckpointsAsync(
            SqliteConnection connection, SqliteTransaction? transaction, long firstSize, long lastSize, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT tree_size, signed_note, signed_at FROM log_checkpoints WHERE tree_size >= $first AND tree_size <= $last ORDER BY tree_size";
            command.Parameters.AddWithValue("$first", firstSize);
            command.Parameters.AddWithValue("$last", lastSize);
            var checkpoints = new List<StoredCheckpoint>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                checkpoints.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), SqliteDatabase.ParseTime(reader.GetString(2))));
            }

            return checkpoints;
        }

        public static async Task<StoredCheckpoint?> CheckpointAsync(SqliteConnection connection, SqliteTransaction? transaction, string condition, object? parameter, CancellationToken cancellationToken)
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
    }
}
