using System.Data.Common;
using System.Globalization;

namespace Federation.Gateway.Storage;

/// <summary>One versioned step of a store's schema; versions start at 1 and follow each other.</summary>
public sealed record SchemaMigration(int Version, string Description, Func<DbConnection, DbTransaction, CancellationToken, Task> ApplyAsync)
{
    /// <summary>A step that runs SQL text.</summary>
    public static SchemaMigration Sql(int version, string description, string sql) => new(version, description, async (connection, transaction, cancellationToken) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    });
}

/// <summary>
/// Brings a database's schema to the latest version a store knows, for any ADO.NET provider: the applied versions
/// are rows of <c>schema_version</c>; pending steps run in one transaction opened by the provider's exclusive
/// begin (so two processes starting together migrate once); a database newer than the code is refused.
/// </summary>
public sealed class SchemaMigrator
{
    private readonly string _storeName;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly Func<DbConnection, CancellationToken, Task<DbTransaction>> _beginExclusive;

    /// <param name="storeName">Names the database in messages, e.g. "The gateway database /data/gateway.db".</param>
    /// <param name="migrations">Every step, versions 1, 2, 3 ... in order.</param>
    /// <param name="beginExclusive">Begins a transaction no other process can run alongside (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock).</param>
    public SchemaMigrator(string storeName, IReadOnlyList<SchemaMigration> migrations, Func<DbConnection, CancellationToken, Task<DbTransaction>> beginExclusive)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeName);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(beginExclusive);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"Migration {i} has version {migrations[i].Version}; versions must be 1, 2, 3 ... in order.", nameof(migrations));
            }
        }

        _storeName = storeName;
        _migrations = migrations;
        _beginExclusive = beginExclusive;
    }

    /// <summary>The version the code knows (the last migration's).</summary>
    public int LatestVersion => _migrations.Count;

    /// <summary>Applies the pending migrations; returns the version the database had before.</summary>
    public async Task<int> MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var transaction = await _beginExclusive(connection, cancellationToken);
        await ExecuteAsync(
            connection,
            transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
            cancellationToken);
        int current;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (current > LatestVersion)
        {
            throw new StoreSchemaException(
                $"{_storeName} has schema version {current}, newer than this gateway knows (up to {LatestVersion}). " +
                "A newer gateway wrote it: run that version (or newer), or restore a backup taken before the upgrade. Nothing was changed.");
        }

        foreach (var migration in _migrations.Where(m => m.Version > current))
        {
            await migration.ApplyAsync(connection, transaction, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)";
            AddParameter(record, "@version", migration.Version);
            AddParameter(record, "@description", migration.Description);
            AddParameter(record, "@at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return current;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
