using System.Globalization;
using Federation.Sdk.Transparency;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Gateway.Storage;

/// <summary>
/// The log store in the gateway's PostgreSQL database, shared by replicas. An append transaction holds a
/// transaction-scoped advisory lock (<c>pg_advisory_xact_lock</c>), which one session of any replica holds at a time,
/// so the log has one sequence; readers never wait for it and see committed leaves only. Each append notifies
/// <see cref="AppendChannel"/> in its transaction, so replicas hear of committed appends only
/// (<see cref="PostgresLogGrowthListener"/>).
/// </summary>
public sealed class PostgresLogStore : ILogStore
{
    /// <summary>
    /// The advisory lock key of the log's single writer: a session holding it (<c>pg_locks</c>, locktype advisory) is
    /// appending; the others wait for it. Far from keys other software picks ("FEDLOG" 1).
    /// </summary>
    public const long AppendLock = 0x4645_444C_4F47_0001;

    /// <summary>The notification channel every committed append is announced on, with the new tree size as payload.</summary>
    public const string AppendChannel = "federation_log_appended";

    private const long SchemaLock = 0x4645_444C_4F47_0002;

    private const string Version1 = """
        CREATE TABLE log_entries (
            leaf_index        bigint      NOT NULL PRIMARY KEY,
            release_id        text        NOT NULL UNIQUE,
            kind              integer     NOT NULL,
            leaf              bytea       NOT NULL,
            receipt           bytea       NOT NULL,
            signer_subject    text        NOT NULL,
            signer_thumbprint text        NOT NULL,
            appended_at       timestamptz NOT NULL
        );
        CREATE TABLE log_subtrees (
            level         integer NOT NULL,
            subtree_index bigint  NOT NULL,
            hash          bytea   NOT NULL,
            PRIMARY KEY (level, subtree_index)
        );
        CREATE INDEX log_leaf_hashes ON log_subtrees (hash) WHERE level = 0;
        CREATE TABLE log_checkpoints (
            tree_size   bigint      NOT NULL PRIMARY KEY,
            root_hash   bytea       NOT NULL,
            signed_note text        NOT NULL,
            signed_at   timestamptz NOT NULL
        );
        CREATE INDEX log_checkpoints_time ON log_checkpoints (signed_at);
        """;

    private readonly PostgresGatewayDatabase _database;

    public PostgresLogStore(PostgresGatewayDatabase database) => _database = database ?? throw new ArgumentNullException(nameof(database));

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var migrator = new SchemaMigrator(
            $"The gateway's {_database.Description}",
            [SchemaMigration.Sql(1, "log entries, complete subtrees and checkpoints", Version1)],
            async (c, ct) => await BeginLockedAsync((NpgsqlConnection)c, SchemaLock, ct));
        await migrator.MigrateAsync(connection, cancellationToken);
    }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT to_regclass('log_entries') IS NOT NULL", connection);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (e is NpgsqlException or GatewayDatabaseUnavailableException)
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
        return await Reads.LeavesAsync(connection, null, start, beyond, limit, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> GetSubtreesAsync(IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.SubtreesAsync(connection, null, subtrees, cancellationToken);
    }

    public async Task<long?> FindLeafIndexAsync(byte[] leafHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT min(subtree_index) FROM log_subtrees WHERE level = 0 AND hash = @hash", connection);
        command.Parameters.AddWithValue("hash", NpgsqlDbType.Bytea, leafHash);
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
        return await Reads.CheckpointAsync(connection, null, "WHERE tree_size = @p", new NpgsqlParameter<long>("p", treeSize), cancellationToken);
    }

    public async Task<IReadOnlyList<StoredCheckpoint>> GetCheckpointsAsync(long firstSize, long lastSize, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointsAsync(connection, null, firstSize, lastSize, cancellationToken);
    }

    public async Task<StoredCheckpoint?> GetCheckpointAtAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await Reads.CheckpointAsync(
            connection, null, "WHERE signed_at <= @p ORDER BY tree_size DESC LIMIT 1", new NpgsqlParameter<DateTimeOffset>("p", time.ToUniversalTime()), cancellationToken);
    }

    public async Task<ILogAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        try
        {
            // Waits while a session of any replica holds the lock; released by the transaction's commit or rollback,
            // and by the server when a replica dies mid-append (its session ends), so a killed writer blocks no one.
            return new AppendTransaction(connection, await BeginLockedAsync(connection, AppendLock, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<NpgsqlTransaction> BeginLockedAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    private sealed class AppendTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : ILogAppendTransaction
    {
        public Task<long> GetTreeSizeAsync(CancellationToken cancellationToken) => Reads.TreeSizeAsync(connection, transaction, cancellationToken);

        public Task<IReadOnlyList<StoredLeaf>> GetLeavesAsync(long start, long beyond, int limit, CancellationToken cancellationToken) =>
            Reads.LeavesAsync(connection, transaction, start, beyond, limit, cancellationToken);

        public async Task<StoredLeaf?> FindReleaseAsync(string releaseId, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"{Reads.SelectLeaves} WHERE release_id = @id", connection, transaction);
            command.Parameters.AddWithValue("id", releaseId);
            return await Reads.ReadLeavesAsync(command, cancellationToken) is [var found] ? found : null;
        }

        public Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> GetSubtreesAsync(IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken) =>
            Reads.SubtreesAsync(connection, transaction, subtrees, cancellationToken);

        public Task<StoredCheckpoint?> GetCheckpointAsync(long treeSize, CancellationToken cancellationToken) =>
            Reads.CheckpointAsync(connection, transaction, "WHERE tree_size = @p", new NpgsqlParameter<long>("p", treeSize), cancellationToken);

        public Task<IReadOnlyList<StoredCheckpoint>> GetCheckpointsAsync(long firstSize, long lastSize, CancellationToken cancellationToken) =>
            Reads.CheckpointsAsync(connection, transaction, firstSize, lastSize, cancellationToken);

        public async Task AppendAsync(IReadOnlyList<StoredLeaf> leaves, IReadOnlyList<(MerkleSubtree Subtree, byte[] Hash)> completedSubtrees, NewCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(leaves);
            ArgumentNullException.ThrowIfNull(completedSubtrees);
            ArgumentNullException.ThrowIfNull(checkpoint);
            LogAppendCheck.ThrowIfNotNext(await GetTreeSizeAsync(cancellationToken), leaves, checkpoint);

            // One round trip: the leaves and their completed subtrees (as arrays), the checkpoint and the notification.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var insertLeaves = new NpgsqlBatchCommand("""
                INSERT INTO log_entries (leaf_index, release_id, kind, leaf, receipt, signer_subject, signer_thumbprint, appended_at)
                SELECT * FROM unnest(@indexes, @ids, @kinds, @leaves, @receipts, @subjects, @thumbprints, @ats)
                """);
            insertLeaves.Parameters.AddWithValue("indexes", leaves.Select(l => l.LeafIndex).ToArray());
            insertLeaves.Parameters.AddWithValue("ids", leaves.Select(l => l.ReleaseId).ToArray());
            insertLeaves.Parameters.AddWithValue("kinds", leaves.Select(l => (int)l.Kind).ToArray());
            insertLeaves.Parameters.AddWithValue("leaves", NpgsqlDbType.Array | NpgsqlDbType.Bytea, leaves.Select(l => l.Leaf).ToArray());
            insertLeaves.Parameters.AddWithValue("receipts", NpgsqlDbType.Array | NpgsqlDbType.Bytea, leaves.Select(l => l.Receipt).ToArray());
            insertLeaves.Parameters.AddWithValue("subjects", leaves.Select(l => l.SignerSubject).ToArray());
            insertLeaves.Parameters.AddWithValue("thumbprints", leaves.Select(l => l.SignerThumbprint).ToArray());
            insertLeaves.Parameters.AddWithValue("ats", leaves.Select(l => l.AppendedAt.ToUniversalTime()).ToArray());
            batch.BatchCommands.Add(insertLeaves);
            if (completedSubtrees.Count > 0)
            {
                var insertSubtrees = new NpgsqlBatchCommand(
                    "INSERT INTO log_subtrees (level, subtree_index, hash) SELECT * FROM unnest(@levels, @indexes, @hashes)");
                insertSubtrees.Parameters.AddWithValue("levels", completedSubtrees.Select(s => s.Subtree.Level).ToArray());
                insertSubtrees.Parameters.AddWithValue("indexes", completedSubtrees.Select(s => s.Subtree.Index).ToArray());
                insertSubtrees.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea, completedSubtrees.Select(s => s.Hash).ToArray());
                batch.BatchCommands.Add(insertSubtrees);
            }

            batch.BatchCommands.Add(Reads.InsertCheckpoint(checkpoint));

            // Delivered to the listening replicas when (and only if) the transaction commits.
            var notify = new NpgsqlBatchCommand("SELECT pg_notify(@channel, @size)");
            notify.Parameters.AddWithValue("channel", AppendChannel);
            notify.Parameters.AddWithValue("size", checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture));
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task AddEmptyLogCheckpointAsync(string signedNote, DateTimeOffset signedAt, CancellationToken cancellationToken)
        {
            if (await GetTreeSizeAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException("The log is not empty: only the empty log's checkpoint is stored without a leaf.");
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Reads.InsertCheckpoint(new NewCheckpoint(0, MerkleHash.EmptyRoot(), signedNote, signedAt)));
            await batch.ExecuteNonQueryAsync(cancellationToken);
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
        public const string SelectLeaves = "SELECT leaf_index, kind, release_id, leaf, receipt, signer_subject, signer_thumbprint, appended_at FROM log_entries";

        public static async Task<long> TreeSizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
        {
            // leaf_index is the primary key: max() is one index lookup, whatever the log's size.
            await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM log_entries", connection, transaction);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public static async Task<IReadOnlyList<StoredLeaf>> LeavesAsync(
            NpgsqlConnection connection, NpgsqlTransaction? transaction, long start, long beyond, int limit, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"{SelectLeaves} WHERE leaf_index >= @start AND leaf_index < @beyond ORDER BY leaf_index LIMIT @limit", connection, transaction);
            command.Parameters.AddWithValue("start", start);
            command.Parameters.AddWithValue("beyond", beyond);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadLeavesAsync(command, cancellationToken);
        }

        public static async Task<IReadOnlyList<StoredLeaf>> ReadLeavesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
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
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }

            return leaves;
        }

        public static async Task<IReadOnlyDictionary<MerkleSubtree, byte[]>> SubtreesAsync(
            NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<MerkleSubtree> subtrees, CancellationToken cancellationToken)
        {
            var found = new Dictionary<MerkleSubtree, byte[]>();
            if (subtrees.Count == 0)
            {
                return found;
            }

            // One query for all (at most a few hundred) subtrees: each is one primary-key lookup.
            var wanted = subtrees.Distinct().ToArray();
            await using var command = new NpgsqlCommand(
                "SELECT level, subtree_index, hash FROM log_subtrees WHERE (level, subtree_index) IN (SELECT * FROM unnest(@levels, @indexes))",
                connection,
                transaction);
            command.Parameters.AddWithValue("levels", wanted.Select(s => s.Level).ToArray());
            command.Parameters.AddWithValue("indexes", wanted.Select(s => s.Index).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[new MerkleSubtree(reader.GetInt32(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
            }

            return found;
        }

        public static async Task<StoredCheckpoint?> CheckpointAsync(
            NpgsqlConnection connection, NpgsqlTransaction? transaction, string condition, NpgsqlParameter? parameter, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT tree_size, signed_note, signed_at FROM log_checkpoints " + condition, connection, transaction);
            if (parameter is not null)
            {
                command.Parameters.Add(parameter);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
                : null;
        }

        public static async Task<IReadOnlyList<StoredCheckpoint>> CheckpointsAsync(
            NpgsqlConnection connection, NpgsqlTransaction? transaction, long firstSize, long lastSize, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                "SELECT tree_size, signed_note, signed_at FROM log_checkpoints WHERE tree_size BETWEEN @first AND @last ORDER BY tree_size", connection, transaction);
            command.Parameters.AddWithValue("first", firstSize);
            command.Parameters.AddWithValue("last", lastSize);
            var checkpoints = new List<StoredCheckpoint>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                checkpoints.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }

            return checkpoints;
        }

        public static NpgsqlBatchCommand InsertCheckpoint(NewCheckpoint checkpoint)
        {
            var insert = new NpgsqlBatchCommand("INSERT INTO log_checkpoints (tree_size, root_hash, signed_note, signed_at) VALUES (@size, @root, @note, @at)");
            insert.Parameters.AddWithValue("size", checkpoint.TreeSize);
            insert.Parameters.AddWithValue("root", NpgsqlDbType.Bytea, checkpoint.RootHash);
            insert.Parameters.AddWithValue("note", checkpoint.SignedNote);
            insert.Parameters.AddWithValue("at", checkpoint.SignedAt.ToUniversalTime());
            return insert;
        }
    }
}
