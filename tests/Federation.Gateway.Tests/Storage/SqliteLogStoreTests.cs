using Federation.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Tests.Storage;

/// <summary>The store conformance suite on a real SQLite file.</summary>
public sealed class SqliteLogStoreTests : LogStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-tests", Guid.NewGuid().ToString("N"));

    public SqliteLogStoreTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "gateway.db");

    protected override ILogStore CreateStore() => new SqliteLogStore(DatabasePath);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
