using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// Reads case records with one query through an ADO.NET provider, streaming the result a row at a time
/// (<see cref="CommandBehavior.SequentialAccess"/>). A row whose values cannot be read is returned with its error and
/// location ("cases row 12"); the connection string's secrets never appear in what it reports.
/// </summary>
internal sealed class SqlCaseRecordSource : ICaseRecordSource
{
    private readonly DbProviderFactory _factory;
    private readonly SqlCaseSourceOptions _options;
    private readonly string _connectionString;
    private readonly ConnectionStringSecrets _secrets;

    /// <summary>A source over options that passed validation, with the connection string to open (SQLite paths resolved).</summary>
    public SqlCaseRecordSource(string name, DbProviderFactory factory, SqlCaseSourceOptions options, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _factory = factory;
        _options = options;
        _connectionString = connectionString;
        _secrets = new ConnectionStringSecrets(connectionString);
    }

    public string Name { get; }

    /// <summary>
    /// Streams the query's rows. Throws <see cref="SqlSourceException"/> before the first row when the database cannot
    /// be reached, the query fails, or a mapped column is missing from its result.
    /// </summary>
    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = _factory.CreateConnection()
            ?? throw new SqlSourceException($"{Name}: the {_options.Provider} provider cannot create connections.");
        await using var command = connection.CreateCommand();
        command.CommandText = _options.Query;
        if (_options.CommandTimeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        var reader = await OpenAsync(connection, command, cancellationToken);
        await using (reader)
        {
            var layout = new SqlColumnLayout(reader, _options, Name);
            var row = 0;
            while (await Guard(() => reader.ReadAsync(cancellationToken), "reading the result"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                yield return layout.ToRow(reader, $"{Name} row {row}");
            }
        }
    }

    private async Task<DbDataReader> OpenAsync(DbConnection connection, DbCommand command, CancellationToken cancellationToken)
    {
        await Guard(
            async () =>
            {
                connection.ConnectionString = _connectionString;
                await connection.OpenAsync(cancellationToken);
                return true;
            },
            $"connecting through {_options.Provider}");
        return await Guard(() => command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken), "running the query");
    }

    /// <summary>Runs a database call; a provider failure becomes a <see cref="SqlSourceException"/> without the connection's secrets.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call, string doing)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            var message = $"{Name}: {doing} failed: {_secrets.Scrub(e.Message)}";
            throw _secrets.Reveals(e.ToString()) ? new SqlSourceException(message) : new SqlSourceException(message, e);
        }
    }
}

/// <summary>A SQL source that cannot be read at all: unreachable database, failed query, missing column. Holds no secrets.</summary>
public sealed class SqlSourceException : Exception
{
    public SqlSourceException(string message)
        : base(message)
    {
    }

    public SqlSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
