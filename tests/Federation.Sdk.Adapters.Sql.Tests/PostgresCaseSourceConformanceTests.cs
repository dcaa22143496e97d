using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;
using Federation.Testing.Postgres;
using Npgsql;

namespace Federation.Sdk.Adapters.Sql.Tests;

/// <summary>
/// The SQL adapter passes the SDK's conformance suite on a real PostgreSQL server, with typed date columns and the
/// citizenship list as a text[] array, as a case management system would hold them.
/// </summary>
public sealed class PostgresCaseSourceConformanceTests : CaseSourceConformanceTests
{
    private string _connectionString = string.Empty;

    protected override bool CanStoreMalformedDates => false;

    public override async Task InitializeAsync() =>
        _connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("conformance");

    protected override async Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await SqlTestTables.CreateAndFillAsync(connection, "cases", "text", cases, typedDates: true, cancellationToken);
    }

    private const string Query = """
        SELECT case_id AS "CaseNumber", person_name, birth_date, identification_date, gender, exploitation_types,
               indigenous_identity, string_to_array(citizenship, ';') AS citizenship, residence_status,
               relationship_to_trafficker, trafficking_status
        FROM cases ORDER BY position
        """;

    protected override NodeSourceSettings NodeSettings => new(
        "sql",
        System.Text.Json.JsonSerializer.Serialize(new { provider = "Npgsql", connectionString = _connectionString, query = Query, columns = new { caseId = "casenumber" }, commandTimeout = 30 }));

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddSqlCaseSource(name, options =>
        {
            options.Provider = "Npgsql";
            options.ConnectionString = _connectionString;
            options.Query = Query;
            options.Columns.CaseId = "casenumber";
            options.CommandTimeout = 30;
        });
}
