using Federation.Gateway.Storage;
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
    private readonly PostgresGatewayDatabase? _postgres;

    private IdentityDatabase(string? sqlitePath, PostgresGatewayDatabase? postgres) => (_sqlitePath, _postgres) = (sqlitePath, postgres);

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

            db.UseSqlite($"Data Source={_sqlitePath}");
        }
    }

    /// <summary>Creates the identity tables if they do not exist yet.</summary>
    internal async Task CreateTablesAsync(FederationIdentityDbContext context, CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            await context.Database.EnsureCreatedAsync(cancellationToken);
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
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }

            await using var create = new NpgsqlCommand(script, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }
}
