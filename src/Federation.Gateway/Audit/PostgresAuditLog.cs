using Federation.Gateway.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Federation.Gateway.Audit;

/// <summary>
/// The audit log as a table of the gateway's PostgreSQL database, shared by its replicas. Triggers refuse UPDATE,
/// DELETE and TRUNCATE, so the log can only grow.
/// </summary>
public sealed class PostgresAuditLog : IAuditStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_log (
            sequence    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            occurred_at timestamptz NOT NULL,
            client_id   text        NOT NULL,
            method      text        NOT NULL,
            parameters  text        NOT NULL,
            outcome     text        NOT NULL,
            detail      text        NOT NULL,
            refused     boolean     NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_log_by_client ON audit_log (client_id, sequence);
        CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
            $refuse$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $refuse$;
        CREATE OR REPLACE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
        """;

    private readonly PostgresGatewayDatabase _database;
    private volatile bool _created;

    public PostgresAuditLog(PostgresGatewayDatabase database)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var record in records)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO audit_log (occurred_at, client_id, method, parameters, outcome, detail, refused)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = record.Time.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { Value = record.ClientId });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Method });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Parameters });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Outcome });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Detail });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Refused });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT sequence, occurred_at, client_id, method, parameters, outcome, detail, refused FROM audit_log
            WHERE (@client::text IS NULL OR client_id = @client) AND (NOT @refusals OR refused) AND (@since::timestamptz IS NULL OR occurred_at >= @since)
            ORDER BY sequence DESC LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("client", NpgsqlDbType.Text, (object?)query.ClientId ?? DBNull.Value);
        command.Parameters.AddWithValue("refusals", query.RefusalsOnly);
        command.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, query.Since is { } since ? since.ToUniversalTime() : DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetBoolean(7))
            {
                Sequence = reader.GetInt64(0),
            });
        }

        return records;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            // Idempotent and serialized between replicas, so first calls racing each other do no harm.
            await _database.EnsureSchemaAsync("audit", Schema, cancellationToken);
            _created = true;
        }

        return await _database.OpenAsync(cancellationToken);
    }
}
