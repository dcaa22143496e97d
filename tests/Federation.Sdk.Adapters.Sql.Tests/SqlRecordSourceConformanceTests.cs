using System.Text.Json;
using Federation.Sdk.Hosting;
using Federation.Sdk.Testing;
using Federation.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>The SQL adapter passes the SDK's record source conformance suite for every catalogue dataset on a real SQLite file, its columns text.</summary>
public sealed class SqliteRecordSourceConformanceTests : RecordSourceConformanceTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"records-{Guid.NewGuid():N}.db");

    protected override async Task ArrangeAsync(ConformanceRecords records, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await SqlTestTables.CreateAndFillAsync(connection, "records", records, typed: false, cancellationToken);
    }

    protected override NodeSourceSettings NodeSettings(IReadOnlyDictionary<string, string> columns) => new("sql", JsonSerializer.Serialize(new
    {
        provider = "Microsoft.Data.Sqlite",
        connectionString = $"Data Source={_file};Mode=ReadOnly;Pooling=False",
        query = "SELECT * FROM records ORDER BY position",
        columns,
    }));

    protected override void AddSource(INodeBuilder node, string name, IReadOnlyDictionary<string, string> columns) =>
        node.AddSqlRecordSource(name, SqlTestTables.Json(NodeSettings(columns).Options));

    public override Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The SQL adapter passes the SDK's record source conformance suite for every catalogue dataset on a real PostgreSQL
/// server, with typed columns as a case management system holds them: date, integer, and text[] for list fields.
/// </summary>
public sealed class PostgresRecordSourceConformanceTests : RecordSourceConformanceTests
{
    private string _connectionString = string.Empty;

    protected override bool CanStoreMalformedDates => false;

    public override async Task InitializeAsync() =>
        _connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("records");

    public override async Task DisposeAsync() => await (await PostgresServer.SharedAsync()).DropDatabaseAsync(_connectionString);

    protected override async Task ArrangeAsync(ConformanceRecords records, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await SqlTestTables.CreateAndFillAsync(connection, "records", records, typed: true, cancellationToken);
    }

    protected override NodeSourceSettings NodeSettings(IReadOnlyDictionary<string, string> columns) =>
        new("sql", JsonSerializer.Serialize(new { provider = "Npgsql", connectionString = _connectionString, query = "SELECT * FROM records ORDER BY position", columns, commandTimeout = 30 }));

    protected override void AddSource(INodeBuilder node, string name, IReadOnlyDictionary<string, string> columns) =>
        node.AddSqlRecordSource(name, options =>
        {
            options.Provider = "Npgsql";
            options.ConnectionString = _connectionString;
            options.Query = "SELECT * FROM records ORDER BY position";
            options.Columns = new Dictionary<string, string>(columns, StringComparer.Ordinal);
            options.CommandTimeout = 30;
        });
}
