using Federation.Gateway.Storage;
using Federation.Testing.Postgres;

namespace Federation.Gateway.Tests.Storage;

/// <summary>The store conformance suite on a real PostgreSQL server, one database per test.</summary>
public sealed class PostgresLogStoreTests : LogStoreConformanceTests, IAsyncLifetime
{
    private readonly List<PostgresGatewayDatabase> _opened = [];
    private PostgresServer? _server;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync("log_store");
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    // Each store has its own data source (connection pool), as each replica process has.
    protected override ILogStore CreateStore()
    {
        var database = new PostgresGatewayDatabase(_connectionString);
        lock (_opened)
        {
            _opened.Add(database);
        }

        return new PostgresLogStore(database);
    }

    protected override Task ExecuteSqlAsync(string sql) => PostgresServer.ExecuteAsync(_connectionString, sql);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        await _server!.DropDatabaseAsync(_connectionString);
    }
}
