using System.Data.Common;
using Federation.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Federation.Gateway.Identity;

/// <summary>
/// Where an identity store lives: its own SQLite file (the default), or the gateway's PostgreSQL database
/// (Gateway:Store=postgres), shared by replicas.
/// </summary>
public sealed class IdentityDatabase
{
    private readonly string? _sqlitePath;
    private readonly string? _sqliteConnectionString;
    private readonly PostgresGatewayDatabase? _postgres;

    private IdentityDatabase(string? sqlitePath, PostgresGatewayDatabase? postgres)
    {
        (_sqlitePath, _postgres) = (sqlitePath, postgres);
        _sqliteConnectionString = sqlitePath is null ? null : $"Data Source={sqlitePath}";
    }

    /// <summary>A SQLite file of its own (identity.db), created if missing.</summary>
    public static IdentityDatabase SqliteFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(path, null);
    }

    /// <summary>Tables of the gateway's PostgreSQL database, next to the gateway's other tables.</summary>
    public static IdentityDatabase Postgres(PostgresGatewayDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new(null, database);
    }

    internal void Configure(DbContextOptionsBuilder db)
    {
        if (_postgres is not null)
        {
            db.UseNpgsql(_postgres.DataSource);
        }
        else
        {
            // Client keys and secrets: the file is created owner-only before SQLite opens it.
            if (!File.Exists(_sqlitePath))
            {
                Sdk.Hosting.OwnerOnlyFile.Ensure(_sqlitePath!);
            }

            db.UseSqlite(_sqliteConnectionString);
        }
    }

    /// <summary>
    /// Creates the identity tables if they do not exist yet, and the clients' change counter (<see
    /// cref="ReadClientsVersionAsync"/>) with the triggers that advance it, in a store created before it existed too.
    /// </summary>
    internal async Task CreateTablesAsync(FederationIdentityDbContext context, CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            await context.Database.EnsureCreatedAsync(cancellationToken);
            await context.Database.ExecuteSqlRawAsync(SqliteClientsVersionSchema, cancellationToken);
            return;
        }

        // EnsureCreated does nothing in a database that has any table, and the gateway's database has others: the
        // identity tables are created when the first of them is missing, under the lock replicas take for schema changes.
        var marker = context.Model.FindEntityType(typeof(RegisteredClient))!.GetTableName();
        var script = context.Database.GenerateCreateScript();
        await _postgres.EnsureSchemaAsync("identity", async (connection, transaction) =>
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass(quote_ident(@table)) IS NOT NULL", connection, transaction);
            exists.Parameters.AddWithValue("table", marker!);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var create = new NpgsqlCommand(script, connection, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var version = new NpgsqlCommand(PostgresClientsVersionSchema, connection, transaction);
            await version.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// The clients' change counter: advanced by a trigger in the same transaction as any change of the clients table
    /// (registration, revocation, deletion, also by hand in SQL), whoever makes it: this process, a replica sharing the
    /// PostgreSQL database, or a command run on the store's file. A cache of the clients read at a version is current
    /// while the counter still reads that version (<see cref="ActiveClients"/>). One small read, no EF Core.
    /// </summary>
    internal async Task<long> ReadClientsVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadClientsVersion;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private const string ClientsVersionTable = "FederationClientsVersion";

    private const string ReadClientsVersion = $"""SELECT "Version" FROM "{ClientsVersionTable}" WHERE "Id" = 1""";

    private const string SqliteClientsVersionSchema = $"""
        CREATE TABLE IF NOT EXISTS "{ClientsVersionTable}" ("Id" INTEGER PRIMARY KEY CHECK ("Id" = 1), "Version" INTEGER NOT NULL);
        INSERT OR IGNORE INTO "{ClientsVersionTable}" ("Id", "Version") VALUES (1, 0);
        CREATE TRIGGER IF NOT EXISTS "FederationClientsInserted" AFTER INSERT ON "FederationClients"
            BEGIN UPDATE "{ClientsVersionTable}" SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
        CREATE TRIGGER IF NOT EXISTS "FederationClientsUpdated" AFTER UPDATE ON "FederationClients"
            BEGIN UPDATE "{ClientsVersionTable}" SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
        CREATE TRIGGER IF NOT EXISTS "FederationClientsDeleted" AFTER DELETE ON "FederationClients"
            BEGIN UPDATE "{ClientsVersionTable}" SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
        """;

    private const string PostgresClientsVersionSchema = $"""
        CREATE TABLE IF NOT EXISTS "{ClientsVersionTable}" ("Id" integer PRIMARY KEY CHECK ("Id" = 1), "Version" bigint NOT NULL);
        INSERT INTO "{ClientsVersionTable}" ("Id", "Version") VALUES (1, 0) ON CONFLICT DO NOTHING;
        CREATE OR REPLACE FUNCTION federation_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "{ClientsVersionTable}" SET "Version" = "Version" + 1 WHERE "Id" = 1;
            RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER "FederationClientsChanged" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "FederationClients"
            FOR EACH STATEMENT EXECUTE FUNCTION federation_clients_changed();
        """;
}
