using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Federation.Sdk.Hosting;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>
/// Runs a source's one query through an ADO.NET provider and streams its result a row at a time
/// (<see cref="CommandBehavior.SequentialAccess"/>). A provider failure becomes a <see cref="SqlSourceException"/>
/// naming the source, never holding the connection string's secrets.
/// </summary>
internal sealed class SqlQuery
{
    private readonly string _name;
    private readonly DbProviderFactory _factory;
    private readonly string _provider;
    private readonly string _query;
    private readonly int? _commandTimeout;
    private readonly string _connectionString;
    private readonly ConnectionStringSecrets _secrets;

    public SqlQuery(string name, DbProviderFactory factory, string provider, string query, int? commandTimeout, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _name = name;
        _factory = factory;
        _provider = provider;
        _query = query;
        _commandTimeout = commandTimeout;
        _connectionString = connectionString;
        _secrets = new ConnectionStringSecrets(connectionString);
    }

    /// <summary>
    /// The open reader, once before the first row (to map its columns) and again after each row is read: the caller
    /// reads the current row's values before asking for the next. The first item comes before any row is read.
    /// </summary>
    public async IAsyncEnumerable<DbDataReader> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = _factory.CreateConnection()
            ?? throw new SqlSourceException($"{_name}: the {_provider} provider cannot create connections.");
        await using var command = connection.CreateCommand();
        command.CommandText = _query;
        if (_commandTimeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        var reader = await OpenAsync(connection, command, cancellationToken);
        await using (reader)
        {
            yield return reader;
            while (await Guard(() => reader.ReadAsync(cancellationToken), "reading the result"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return reader;
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
            $"connecting through {_provider}");
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
            var message = $"{_name}: {doing} failed: {_secrets.Scrub(e.Message)}";
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
