using System.Globalization;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Federation.Sdk.Publishing;

/// <summary>
/// The node's durable outbox: one SQLite file (WAL journal) that holds every signed envelope before it is uploaded,
/// whether it is pending, delivered (with the gateway's receipt) or refused (with the gateway's reason). Each change
/// is one transaction, so a node killed at any point finds on restart exactly what was signed and not yet
/// acknowledged. Entries are never deleted: the file is the node's history of what it sent.
/// </summary>
public sealed class Outbox
{
    /// <summary>The outbox file's name in the node's state folder.</summary>
    public const string FileName = "outbox.db";

    // The columns every version of the table has (version 0 included), then those added since.
    private const string EarliestColumns =
        "id, kind, dataset_id, reference_year, submission_id, envelope, state, attempts, last_error, queued_at, last_attempt_at, settled_at, receipt, signed_receipt, receipt_signature, leaf_index";

    private const string Columns = EarliestColumns + ", refused_for_data";

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;

    private Outbox(string path, TimeProvider timeProvider)
    {
        Path = path;
        _timeProvider = timeProvider;
        Hosting.OwnerOnlyFile.Ensure(path);
        // Not pooled: a node opens the file a few times per run, and a pooled handle would keep it open after the run.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The outbox file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when needed) the outbox in <paramref name="stateDirectory"/>.</summary>
    public static async Task<Outbox> OpenAsync(string stateDirectory, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Directory.CreateDirectory(stateDirectory);
        var outbox = new Outbox(System.IO.Path.Combine(stateDirectory, FileName), timeProvider);
        await using var connection = await outbox.OpenConnectionAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await MigrateAsync(connection, cancellationToken);
        return outbox;
    }

    /// <summary>The version of the outbox's tables (SQLite user_version) this code writes.</summary>
    private const int SchemaVersion = 2;

    /// <summary>
    /// Creates the tables, or brings an older file's up to <see cref="SchemaVersion"/>, in one transaction. Version 1:
    /// a submission id is unique among the entries that are not failed, so a release the gateway refused can be signed
    /// again and queued anew while the refused entry stays listed (version 0 made every submission id unique).
    /// Version 2: a failed entry records whether the gateway refused it for its data (<see cref="OutboxEntry.RefusedForData"/>);
    /// entries refused before are taken as refused for another reason, so they are signed again once more.
    /// </summary>
    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (version >= SchemaVersion)
        {
            return;
        }

        if (version == 1)
        {
            command.CommandText = $"""
                ALTER TABLE outbox_entries ADD COLUMN refused_for_data INTEGER NOT NULL DEFAULT 0;
                PRAGMA user_version = {SchemaVersion};
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox_entries'";
        var earlier = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        command.CommandText = $"""
            CREATE TABLE outbox_entries_v1 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                dataset_id TEXT,
                reference_year INTEGER,
                submission_id TEXT NOT NULL,
                envelope BLOB NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                queued_at TEXT NOT NULL,
                last_attempt_at TEXT,
                settled_at TEXT,
                receipt BLOB,
                signed_receipt BLOB,
                receipt_signature BLOB,
                leaf_index INTEGER,
                refused_for_data INTEGER NOT NULL DEFAULT 0);
            {(earlier ? $"INSERT INTO outbox_entries_v1 ({EarliestColumns}) SELECT {EarliestColumns} FROM outbox_entries; DROP TABLE outbox_entries;" : string.Empty)}
            ALTER TABLE outbox_entries_v1 RENAME TO outbox_entries;
            CREATE INDEX outbox_entries_by_release ON outbox_entries (kind, dataset_id, reference_year, id);
            CREATE UNIQUE INDEX outbox_entries_live_submission ON outbox_entries (submission_id) WHERE state <> 'failed';
            PRAGMA user_version = {SchemaVersion};
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Opens an outbox that must already exist (for inspection); null when the node has never queued anything.</summary>
    public static async Task<Outbox?> OpenExistingAsync(string stateDirectory, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
        File.Exists(System.IO.Path.Combine(stateDirectory, FileName))
            ? await OpenAsync(stateDirectory, timeProvider, cancellationToken)
            : null;

    /// <summary>
    /// Queues a signed envelope as pending. An envelope whose submission bytes are already in an entry that is pending
    /// or delivered is not added again: that entry is returned. Submission bytes the gateway refused (a failed entry)
    /// are queued anew, as a new entry; the failed one stays listed.
    /// </summary>
    public async Task<OutboxEntry> AddAsync(
        OutboxEntryKind kind, string? datasetId, int? referenceYear, SignedEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var submissionId = Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span));
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO outbox_entries (kind, dataset_id, reference_year, submission_id, envelope, state, queued_at)
                VALUES ($kind, $dataset, $year, $id, $envelope, 'pending', $now)
                ON CONFLICT (submission_id) WHERE state <> 'failed' DO NOTHING
                """;
            insert.Parameters.AddWithValue("$kind", KindName(kind));
            insert.Parameters.AddWithValue("$dataset", (object?)datasetId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$year", (object?)referenceYear ?? DBNull.Value);
            insert.Parameters.AddWithValue("$id", submissionId);
            insert.Parameters.AddWithValue("$envelope", envelope.ToByteArray());
            insert.Parameters.AddWithValue("$now", FormatTime(_timeProvider.GetUtcNow()));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var entry = await QuerySingleAsync(connection, transaction, "submission_id = $key AND state <> 'failed'", submissionId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entry!;
    }

    /// <summary>The entry with this id, or null.</summary>
    public async Task<OutboxEntry?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await QuerySingleAsync(connection, null, "id = $key", id, cancellationToken);
    }

    /// <summary>
    /// The newest entry for a release, whatever its state: for statistics the dataset and reference year, for directory
    /// kinds all entries of the kind.
    /// </summary>
    public async Task<OutboxEntry?> FindLatestAsync(
        OutboxEntryKind kind, string? datasetId = null, int? referenceYear = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM outbox_entries
            WHERE kind = $kind AND dataset_id IS $dataset AND reference_year IS $year
            ORDER BY id DESC LIMIT 1
            """;
        command.Parameters.AddWithValue("$kind", KindName(kind));
        command.Parameters.AddWithValue("$dataset", (object?)datasetId ?? DBNull.Value);
        command.Parameters.AddWithValue("$year", (object?)referenceYear ?? DBNull.Value);
        return (await ReadEntriesAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Every entry, or those in <paramref name="state"/>, in the order they were queued.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxEntryState? state = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbox_entries WHERE $state IS NULL OR state = $state ORDER BY id";
        command.Parameters.AddWithValue("$state", state is { } s ? StateName(s) : DBNull.Value);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    /// <summary>Counts an attempt that did not settle the entry (it stays pending) and keeps its error.</summary>
    public Task RecordAttemptAsync(long id, string error, CancellationToken cancellationToken = default) =>
        SettleAsync(id, "pending", error, null, cancellationToken);

    /// <summary>Marks a pending entry delivered and keeps the gateway's receipt, in one transaction.</summary>
    public Task MarkDeliveredAsync(long id, OutboxReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return SettleAsync(id, "delivered", null, receipt, cancellationToken);
    }

    /// <summary>Marks a pending entry refused for good, with the gateway's reason, not for its data; it is not sent again.</summary>
    public Task MarkFailedAsync(long id, string reason, CancellationToken cancellationToken = default) =>
        MarkFailedAsync(id, reason, refusedForData: false, cancellationToken);

    /// <summary>
    /// Marks a pending entry refused for good, with the gateway's reason and whether it refused the release's data
    /// (<see cref="OutboxRetryPolicy.IsRefusalOfData"/>); it is not sent again.
    /// </summary>
    public Task MarkFailedAsync(long id, string reason, bool refusedForData, CancellationToken cancellationToken = default) =>
        SettleAsync(id, "failed", reason, null, cancellationToken, refusedForData);

    // Only a pending entry changes: a second node process that raced this one to the same entry cannot undo its outcome.
    private async Task SettleAsync(long id, string state, string? error, OutboxReceipt? receipt, CancellationToken cancellationToken, bool refusedForData = false)
    {
        var now = FormatTime(_timeProvider.GetUtcNow());
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox_entries
            SET state = $state, attempts = attempts + 1, last_error = $error, last_attempt_at = $now,
                settled_at = CASE WHEN $state = 'pending' THEN NULL ELSE $now END,
                receipt = $receipt, signed_receipt = $signed, receipt_signature = $signature, leaf_index = $leaf,
                refused_for_data = $data
            WHERE id = $id AND state = 'pending'
            """;
        command.Parameters.AddWithValue("$data", refusedForData ? 1 : 0);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$receipt", (object?)receipt?.ReceiptBytes ?? DBNull.Value);
        command.Parameters.AddWithValue("$signed", (object?)receipt?.SignedReceipt ?? DBNull.Value);
        command.Parameters.AddWithValue("$signature", (object?)receipt?.ReceiptSignature ?? DBNull.Value);
        command.Parameters.AddWithValue("$leaf", (object?)receipt?.LeafIndex ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<OutboxEntry?> QuerySingleAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string condition, object key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM outbox_entries WHERE {condition}";
        command.Parameters.AddWithValue("$key", key);
        return (await ReadEntriesAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<OutboxEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var receipt = reader.IsDBNull(12)
                ? null
                : new OutboxReceipt(
                    (byte[])reader[12],
                    reader.IsDBNull(13) ? null : (byte[])reader[13],
                    reader.IsDBNull(14) ? null : (byte[])reader[14],
                    reader.IsDBNull(15) ? null : reader.GetInt64(15));
            entries.Add(new OutboxEntry(
                reader.GetInt64(0),
                ParseKind(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.GetString(4),
                SignedEnvelope.Parser.ParseFrom((byte[])reader[5]),
                ParseState(reader.GetString(6)),
                reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                ParseTime(reader.GetString(9)),
                reader.IsDBNull(10) ? null : ParseTime(reader.GetString(10)),
                reader.IsDBNull(11) ? null : ParseTime(reader.GetString(11)),
                receipt,
                reader.GetInt64(16) != 0));
        }

        return entries;
    }

    private static string KindName(OutboxEntryKind kind) => kind switch
    {
        OutboxEntryKind.Statistics => "statistics",
        OutboxEntryKind.DirectorySnapshot => "directory-snapshot",
        OutboxEntryKind.CapacityUpdate => "capacity-update",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an outbox entry kind."),
    };

    private static OutboxEntryKind ParseKind(string name) =>
        Enum.GetValues<OutboxEntryKind>().Single(k => KindName(k) == name);

    private static string StateName(OutboxEntryState state) => state.ToString().ToLowerInvariant();

    private static OutboxEntryState ParseState(string name) => Enum.Parse<OutboxEntryState>(name, ignoreCase: true);

    // Fixed-width UTC text sorts in time order.
    private static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
