using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;
using Microsoft.Data.Sqlite;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>The SQL adapter passes the SDK's conformance suite on a real SQLite file, its columns text as exports often are.</summary>
public sealed class SqliteCaseSourceConformanceTests : CaseSourceConformanceTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"cases-{Guid.NewGuid():N}.db");

    protected override async Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await SqlTestTables.CreateAndFillAsync(connection, "cases", "TEXT", cases, typedDates: false, cancellationToken);
    }

    protected override NodeSourceSettings NodeSettings => new("sql", $$"""
        { "provider": "Microsoft.Data.Sqlite", "connectionString": "Data Source={{_file}};Mode=ReadOnly;Pooling=False",
          "query": "SELECT {{string.Join(", ", SyntheticCase.Columns)}} FROM cases ORDER BY rowid" }
        """);

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddSqlCaseSource(name, SqlTestTables.Json(NodeSettings.Options));

    public override Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }
}
