using System.Globalization;
using Federation.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Audit;

/// <summary>One recorded call: who, what, with which parameters, what came of it, when.</summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string ClientId,
    string Method,
    string Parameters,
    string Outcome,
    string Detail,
    bool Refused)
{
    /// <summary>The position in the log, from 1; 0 before the record is appended.</summary>
    public long Sequence { get; init; }
}

/// <summary>Which audit records to read.</summary>
public sealed record AuditQuery(string? ClientId = null, bool RefusalsOnly = false, DateTimeOffset? Since = null, int Limit = 100);

/// <summary>The append-only audit log of every query and every refusal.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Records a call as the request path leaves it (<see cref="AuditCall"/>: nothing formatted yet). A log with a
    /// writer of its own (<see cref="BatchedAuditLog"/>) formats it there; by default it is formatted here and appended.
    /// </summary>
    ValueTask RecordAsync(AuditCall recorded, CancellationToken cancellationToken) => new(AppendAsync(recorded.ToRecord(), cancellationToken));

    /// <summary>Matching records, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>An audit log kept in a database, which can also store many records in one transaction (<see cref="BatchedAuditLog"/>).</summary>
public interface IAuditStore : IAuditLog
{
    /// <summary>Stores <paramref name="records"/> in this order, all or none, in one transaction.</summary>
    Task AppendAllAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);
}

/// <summary>
/// The audit log as a table of the gateway's SQLite store. Triggers refuse UPDATE and DELETE, so the log can only grow.
/// </summary>
public sealed class SqliteAuditLog : IAuditStore
{
    private readonly SqliteDatabase _database;
    private volatile bool _created;

    public SqliteAuditLog(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = new SqliteDatabase(databasePath);
    }

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return AppendAllAsync([record], cancellationToken);
    }

    public async Task AppendAllAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_log (occurred_at, client_id, method, parameters, outcome, detail, refused)
            VALUES ($time, $client, $method, $parameters, $outcome, $detail, $refused)
            """;
        foreach (var record in records)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$time", record.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$client", record.ClientId);
            command.Parameters.AddWithValue("$method", record.Method);
            command.Parameters.AddWithValue("$parameters", record.Parameters);
            command.Parameters.AddWithValue("$outcome", record.Outcome);
            command.Parameters.AddWithValue("$detail", record.Detail);
            command.Parameters.AddWithValue("$refused", record.Refused ? 1 : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, occurred_at, client_id, method, parameters, outcome, detail, refused FROM audit_log
            WHERE ($client IS NULL OR client_id = $client) AND ($refusals = 0 OR refused = 1) AND ($since IS NULL OR occurred_at >= $since)
            ORDER BY sequence DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$client", (object?)query.ClientId ?? DBNull.Value);
        command.Parameters.AddWithValue("$refusals", query.RefusalsOnly ? 1 : 0);
        command.Parameters.AddWithValue("$since", query.Since is { } since
            ? since.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
            : DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 10_000));
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetInt32(7) == 1)
            {
                Sequence = reader.GetInt64(0),
            });
        }

        return records;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        if (!_created)
        {
            // Idempotent, so two first calls racing each other do no harm.
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS audit_log (
                    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurred_at TEXT    NOT NULL,
                    client_id   TEXT    NOT NULL,
                    method      TEXT    NOT NULL,
                    parameters  TEXT    NOT NULL,
                    outcome     TEXT    NOT NULL,
                    detail      TEXT    NOT NULL,
                    refused     INTEGER NOT NULL
                );
                CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _created = true;
        }

        return connection;
    }
}
