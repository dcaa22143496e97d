using System.Data.Common;
using System.Globalization;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Storage;

/// <summary>The SQLite log store's schema versions, and the inserts every writer of it shares.</summary>
internal static class SqliteLogSchema
{
    private const string Version1 = """
        CREATE TABLE log_entries (
            leaf_index        INTEGER NOT NULL PRIMARY KEY,
            release_id        TEXT    NOT NULL UNIQUE,
            kind              INTEGER NOT NULL,
            leaf              BLOB    NOT NULL,
            receipt           BLOB    NOT NULL,
            signer_subject    TEXT    NOT NULL,
            signer_thumbprint TEXT    NOT NULL,
            appended_at       TEXT    NOT NULL
        );
        CREATE TABLE log_subtrees (
            level         INTEGER NOT NULL,
            subtree_index INTEGER NOT NULL,
            hash          BLOB    NOT NULL,
            PRIMARY KEY (level, subtree_index)
        ) WITHOUT ROWID;
        CREATE INDEX log_leaf_hashes ON log_subtrees (hash) WHERE level = 0;
        CREATE TABLE IF NOT EXISTS log_checkpoints (
            tree_size   INTEGER NOT NULL PRIMARY KEY,
            root_hash   BLOB    NOT NULL,
            signed_note TEXT    NOT NULL,
            signed_at   TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS log_checkpoints_time ON log_checkpoints (signed_at);
        """;

    public static IReadOnlyList<SchemaMigration> Migrations(string path) =>
    [
        new SchemaMigration(1, "log entries, complete subtrees and checkpoints", async (connection, transaction, cancellationToken) =>
        {
            var sqlite = (SqliteConnection)connection;
            var sqliteTransaction = (SqliteTransaction)transaction;
            var legacy = await LegacyTablesAsync(sqlite, sqliteTransaction, cancellationToken);
            await ExecuteAsync(sqlite, sqliteTransaction, Version1, cancellationToken);
            if (legacy.Count > 0)
            {
                await MigrateLegacyAsync(sqlite, sqliteTransaction, legacy, path, cancellationToken);
            }
        }),
    ];

    // One statement, prepared once and run for every leaf (SQLite compiles it once per call, not per leaf).
    public static async Task InsertLeavesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoredLeaf> leaves, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO log_entries (leaf_index, release_id, kind, leaf, receipt, signer_subject, signer_thumbprint, appended_at)
            VALUES ($index, $id, $kind, $leaf, $receipt, $subject, $thumbprint, $at)
            """;
        var index = insert.Parameters.Add("$index", SqliteType.Integer);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
        var leafBytes = insert.Parameters.Add("$leaf", SqliteType.Blob);
        var receipt = insert.Parameters.Add("$receipt", SqliteType.Blob);
        var subject = insert.Parameters.Add("$subject", SqliteType.Text);
        var thumbprint = insert.Parameters.Add("$thumbprint", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        foreach (var leaf in leaves)
        {
            index.Value = leaf.LeafIndex;
            id.Value = leaf.ReleaseId;
            kind.Value = (int)leaf.Kind;
            leafBytes.Value = leaf.Leaf;
            receipt.Value = leaf.Receipt;
            subject.Value = leaf.SignerSubject;
            thumbprint.Value = leaf.SignerThumbprint;
            at.Value = SqliteDatabase.FormatTime(leaf.AppendedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task InsertSubtreesAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        IReadOnlyList<(MerkleSubtree Subtree, byte[] Hash)> subtrees,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO log_subtrees (level, subtree_index, hash) VALUES ($level, $index, $hash)";
        var level = insert.Parameters.Add("$level", SqliteType.Integer);
        var index = insert.Parameters.Add("$index", SqliteType.Integer);
        var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
        foreach (var (subtree, value) in subtrees)
        {
            level.Value = subtree.Level;
            index.Value = subtree.Index;
            hash.Value = value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task InsertCheckpointAsync(SqliteConnection connection, SqliteTransaction transaction, NewCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO log_checkpoints (tree_size, root_hash, signed_note, signed_at) VALUES ($size, $root, $note, $at)";
        insert.Parameters.AddWithValue("$size", checkpoint.TreeSize);
        insert.Parameters.AddWithValue("$root", checkpoint.RootHash);
        insert.Parameters.AddWithValue("$note", checkpoint.SignedNote);
        insert.Parameters.AddWithValue("$at", SqliteDatabase.FormatTime(checkpoint.SignedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<string>> LegacyTablesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT name FROM sqlite_master WHERE type = 'table'
              AND name IN ('submissions', 'cells', 'log_leaves', 'directory_releases', 'capacity_readings', 'capacity_current')
            """;
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// A database of a gateway that kept submissions and derived cells beside a log of leaf hashes: every statistics
    /// release becomes the entry of its leaf (checked against the leaf hash it had), derived rows are dropped.
    /// Releases that were never logged (directory releases, submissions without a leaf) are refused, not logged now.
    /// </summary>
    private static async Task MigrateLegacyAsync(SqliteConnection connection, SqliteTransaction transaction, HashSet<string> legacy, string path, CancellationToken cancellationToken)
    {
        if (legacy.Contains("directory_releases") && await CountAsync(connection, transaction, "SELECT count(*) FROM directory_releases", cancellationToken) is var directoryReleases and > 0)
        {
            throw new StoreSchemaException(
                $"The gateway database {path} holds {directoryReleases} directory release(s) stored by an older gateway that did not log them, " +
                "and a release outside the log cannot be served. Nodes send their directory again at their next run, so remove the unlogged copies and start again: " +
                $"sqlite3 \"{path}\" \"DROP TABLE directory_releases; DROP TABLE capacity_readings; DROP TABLE capacity_current;\" " +
                "(statistics releases are kept and migrated). Nothing was changed.");
        }

        if (legacy.Contains("submissions"))
        {
            await using var unlogged = connection.CreateCommand();
            unlogged.Transaction = transaction;
            unlogged.CommandText = legacy.Contains("log_leaves")
                ? "SELECT submission_id FROM submissions WHERE submission_id NOT IN (SELECT submission_id FROM log_leaves) LIMIT 1"
                : "SELECT submission_id FROM submissions LIMIT 1";
            if (await unlogged.ExecuteScalarAsync(cancellationToken) is string id)
            {
                throw new StoreSchemaException(
                    $"The gateway database {path} holds submission {id} without a log entry (stored by a gateway older than the transparency log). " +
                    "A release outside the log cannot be served: start from a new data folder and let the nodes send their releases again. Nothing was changed.");
            }
        }

        if (legacy.Contains("log_leaves"))
        {
            await using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = """
                SELECT l.leaf_index, l.leaf_hash, l.appended_at, s.submission_id, s.submission_bytes, s.signature, s.receipt, s.signer_subject, s.signer_thumbprint
                FROM log_leaves l JOIN submissions s ON s.submission_id = l.submission_id ORDER BY l.leaf_index
                """;
            var frontier = new Dictionary<MerkleSubtree, byte[]>();
            long expected = 0;
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = reader.GetInt64(0);
                var releaseId = reader.GetString(3);
                var leaf = LogLeaf.Encode(reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5));
                var hash = MerkleHash.Leaf(leaf);
                if (index != expected || !hash.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(1)))
                {
                    throw new StoreSchemaException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The gateway database {path} cannot be migrated: leaf {index} (submission {releaseId}) does not hold the release its log entry was computed from. Restore a backup. Nothing was changed."));
                }

                await InsertLeavesAsync(
                    connection,
                    transaction,
                    [new StoredLeaf(index, LeafKind.StatisticsRelease, releaseId, leaf, reader.GetFieldValue<byte[]>(6), reader.GetString(7), reader.GetString(8), SqliteDatabase.ParseTime(reader.GetString(2)))],
                    cancellationToken);
                var completed = CompleteSubtrees.Append(index, hash, frontier);
                await InsertSubtreesAsync(connection, transaction, completed, cancellationToken);
                foreach (var (subtree, subtreeHash) in completed)
                {
                    frontier[subtree] = subtreeHash;
                }

                expected++;
            }
        }

        foreach (var table in new[] { "cells", "submissions", "log_leaves", "capacity_current", "capacity_readings", "directory_releases" }.Where(legacy.Contains))
        {
            await ExecuteAsync(connection, transaction, $"DROP TABLE {table}", cancellationToken);
        }
    }

    private static async Task<long> CountAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
