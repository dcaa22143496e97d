using Federation.Sdk.Hosting;
using Npgsql;

namespace Federation.Gateway.Storage;

/// <summary>
/// The gateway's PostgreSQL database (Gateway:Store=postgres): one pooled data source for every part kept in it, the
/// serialization of schema changes between replicas, and failures described without the password.
/// </summary>
public sealed class PostgresGatewayDatabase : IAsyncDisposable
{
    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly string _setting;

    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="loggerFactory">Where Npgsql logs (it never logs the password).</param>
    /// <param name="setting">What the connection string was given as, named in failures.</param>
    public PostgresGatewayDatabase(string connectionString, ILoggerFactory? loggerFactory = null, string setting = "Gateway:ConnectionString")
    {
        _setting = setting;
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Secrets = new ConnectionStringSecrets(connectionString);
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        DataSource = builder.Build();
    }

    /// <summary>The pooled connections to the database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The connection string's secrets, to scrub from any message that might hold them.</summary>
    public ConnectionStringSecrets Secrets { get; }

    /// <summary>Names the database in messages: database, host, port and user, never the password.</summary>
    public string Description => Describe(_settings);

    /// <summary>Names the database of a connection string in messages, never the password.</summary>
    public static string Describe(string connectionString) => Describe(new NpgsqlConnectionStringBuilder(connectionString));

    private static string Describe(NpgsqlConnectionStringBuilder settings) =>
        $"PostgreSQL database '{settings.Database}' on {settings.Host}:{settings.Port} as '{settings.Username}'";

    /// <summary>Why a connection string cannot name the gateway's database (secrets scrubbed), or null.</summary>
    public static string? Problem(string connectionString)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return $"Npgsql refuses it: {new ConnectionStringSecrets(connectionString).Scrub(e.Message)}";
        }

        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            return "it names no Host (for example Host=db.example.ca).";
        }

        if (string.IsNullOrWhiteSpace(settings.Database))
        {
            return "it names no Database (for example Database=federation): the gateway does not guess one.";
        }

        return string.IsNullOrWhiteSpace(settings.Username) ? "it names no Username (for example Username=gateway)." : null;
    }

    /// <summary>Opens a connection; a failure says which database could not be reached and why, without the password.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new GatewayDatabaseUnavailableException(
                $"{_setting}: cannot connect to the {Description}: {Secrets.Scrub(e.Message)}");
        }
    }

    /// <summary>
    /// Runs idempotent DDL (<c>CREATE ... IF NOT EXISTS</c>, <c>CREATE OR REPLACE</c>) in one transaction under an
    /// advisory lock, so replicas starting together create <paramref name="part"/>'s tables once.
    /// </summary>
    public Task EnsureSchemaAsync(string part, string ddl, CancellationToken cancellationToken) =>
        EnsureSchemaAsync(part, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(ddl, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Runs <paramref name="apply"/> in one transaction under the advisory lock of <paramref name="part"/>'s schema.</summary>
    public async Task EnsureSchemaAsync(string part, Func<NpgsqlConnection, NpgsqlTransaction, Task> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@part, 0))", connection, transaction))
        {
            command.Parameters.AddWithValue("part", "federation.schema." + part);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await apply(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>The gateway's database cannot be reached; the message names it (without the password) and says why.</summary>
public sealed class GatewayDatabaseUnavailableException(string message) : Exception(message);
