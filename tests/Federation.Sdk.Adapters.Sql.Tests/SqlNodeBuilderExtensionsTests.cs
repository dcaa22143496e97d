using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Federation.Sdk.Synthetic;
using Federation.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Sql.Tests;

public sealed class SqlNodeBuilderExtensionsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"cases-{Guid.NewGuid():N}.db");

    public void Dispose() => File.Delete(_file);

    private static string[] Failures(string json)
    {
        var node = new NodeBuilder();
        node.AddSqlCaseSource("cases", SqlTestTables.Json(json));
        return Assert.Throws<OptionsValidationException>(() => node.Build().Dispose()).Failures.ToArray();
    }

    private static async Task<List<SourceRow>> ReadAllAsync(ICaseRecordSource source)
    {
        var rows = new List<SourceRow>();
        await foreach (var row in source.ReadAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task CreateAsync(params string[] statements)
    {
        await using var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await SqlTestTables.ExecuteAsync(connection, statement);
        }
    }

    private const string Valid = "\"provider\": \"Microsoft.Data.Sqlite\", \"connectionString\": \"Data Source=:memory:\", \"query\": \"SELECT * FROM cases\"";

    [Theory]
    [InlineData("""{ "connectionString": "x", "query": "SELECT 1" }""", "provider: must be set (")]
    [InlineData("""{ "provider": "Oracle.ManagedDataAccess", "connectionString": "x", "query": "SELECT 1" }""", "provider: 'Oracle.ManagedDataAccess' is not a registered ADO.NET provider (")]
    [InlineData("""{ "provider": "Npgsql", "query": "SELECT 1" }""", "connectionString: must be set.")]
    [InlineData("""{ "provider": "Microsoft.Data.Sqlite", "connectionString": "Data Source=:memory:" }""", "query: must be set.")]
    [InlineData("""{ "provider": "Microsoft.Data.Sqlite", "connectionString": "Data Source=:memory:", "query": "DELETE FROM cases" }""", "query: must be a SELECT statement (or WITH ... SELECT); the adapter only reads.")]
    [InlineData("""{ VALID, "commandTimeout": -1 }""", "commandTimeout: must be 0 (no limit) or a number of seconds.")]
    [InlineData("""{ VALID, "commandTimeout": "soon" }""", "commandTimeout: 'soon' is not a whole number.")]
    [InlineData("""{ VALID, "listSeparator": "" }""", "listSeparator: must be one character.")]
    [InlineData("""{ VALID, "columns": { "gender": " " } }""", "columns.gender: must name a column.")]
    [InlineData("""{ VALID, "conectionString": "x" }""", "conectionString: is not an option here; the options are provider, connectionString, query, columns, listSeparator, commandTimeout.")]
    public void Each_invalid_option_is_reported_with_its_key(string json, string expected)
    {
        var failure = Assert.Single(Failures(json.Replace("VALID", Valid, StringComparison.Ordinal)));

        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_sqlite_file_is_reported_instead_of_created_empty()
    {
        var failure = Assert.Single(Failures($$"""{ "provider": "Microsoft.Data.Sqlite", "connectionString": "Data Source={{_file}}", "query": "SELECT 1" }"""));

        Assert.Equal($"connectionString: the SQLite database file '{_file}' does not exist.", failure);
        Assert.False(File.Exists(_file));
    }

    [Fact]
    public void A_connection_string_the_provider_refuses_is_reported_without_its_password()
    {
        var failure = Assert.Single(Failures("""{ "provider": "Npgsql", "connectionString": "Host=db;Password=hunter2-secret;Bogus Keyword=1", "query": "SELECT 1" }"""));

        Assert.StartsWith("connectionString: the Npgsql provider refuses it: ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_read_with_a_message_that_does_not_echo_it()
    {
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = "wrong-Passw0rd-x" }.ConnectionString;
        var node = new NodeBuilder();
        node.AddSqlCaseSource("cases", options => (options.Provider, options.ConnectionString, options.Query) = ("Npgsql", connectionString, "SELECT 1"));
        using var sources = node.Build();

        var error = await Assert.ThrowsAsync<SqlSourceException>(() => ReadAllAsync(sources.CaseSources[0].Value));

        Assert.StartsWith("cases: connecting through Npgsql failed: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Passw0rd-x", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_sqlite_path_is_resolved_from_the_node_files_folder_and_list_fields_are_split()
    {
        await CreateAsync(
            $"CREATE TABLE cases ({string.Join(", ", SyntheticCase.Columns)})",
            "INSERT INTO cases VALUES ('NS-1', 'Jane Doe', '2004-05-17', '2023-03-02', 'Feminine', 'SexualExploitation|ForcedLabour', 'NotIndigenous', 'CA', 'Citizen', 'IntimatePartner', 'ActualVictimOfTrafficking')");
        var node = new NodeBuilder();
        node.Services.AddSingleton(new NodeFiles(Path.GetDirectoryName(_file)!));
        node.AddSqlCaseSource("cases", SqlTestTables.Json($$"""
            { "provider": "Microsoft.Data.Sqlite", "connectionString": "Data Source={{Path.GetFileName(_file)}};Pooling=False", "query": "SELECT * FROM cases", "listSeparator": "|" }
            """));
        using var sources = node.Build();

        var row = Assert.Single(await ReadAllAsync(sources.CaseSources[0].Value));

        Assert.Equal(("cases row 1", "NS-1"), (row.Location, row.Record!.CaseId));
        Assert.Equal(["SexualExploitation", "ForcedLabour"], row.Record.TypesOfExploitation);
        Assert.Equal(new DateOnly(2004, 5, 17), row.Record.BirthDate);
    }

    [Fact]
    public async Task A_row_whose_value_cannot_be_read_comes_back_with_its_error_and_location()
    {
        await CreateAsync(
            $"CREATE TABLE cases ({string.Join(", ", SyntheticCase.Columns)})",
            "INSERT INTO cases (case_id, identification_date, trafficking_status) VALUES ('NS-1', '2023-03-02', 'ActualVictimOfTrafficking')",
            "INSERT INTO cases (case_id, identification_date, trafficking_status) VALUES ('NS-2', 20230302, 'ActualVictimOfTrafficking')",
            "INSERT INTO cases (case_id, identification_date, trafficking_status) VALUES ('NS-3', '2023-02-30', 'ActualVictimOfTrafficking')");
        var node = new NodeBuilder();
        node.AddSqlCaseSource("cases", options => (options.Provider, options.ConnectionString, options.Query) = ("Microsoft.Data.Sqlite", $"Data Source={_file};Pooling=False", "SELECT * FROM cases ORDER BY case_id"));
        using var sources = node.Build();

        var rows = await ReadAllAsync(sources.CaseSources[0].Value);

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(("cases row 2", "identification_date: a Int64 value is not a date (a date column, or text in yyyy-MM-dd form)"), (rows[1].Location, rows[1].Error));
        Assert.Equal(("cases row 3", "identification_date is not a date in yyyy-MM-dd form"), (rows[2].Location, rows[2].Error));
    }

    [Fact]
    public async Task A_query_without_a_mapped_column_fails_before_the_first_row_naming_it()
    {
        await CreateAsync("CREATE TABLE cases (case_id, identification_date)", "INSERT INTO cases VALUES ('NS-1', '2023-03-02')");
        var node = new NodeBuilder();
        node.AddSqlCaseSource("cases", options => (options.Provider, options.ConnectionString, options.Query) = ("Microsoft.Data.Sqlite", $"Data Source={_file};Pooling=False", "SELECT * FROM cases"));
        using var sources = node.Build();

        var error = await Assert.ThrowsAsync<SqlSourceException>(() => ReadAllAsync(sources.CaseSources[0].Value));

        Assert.StartsWith("cases: the query's result has no column 'birth_date', 'gender',", error.Message, StringComparison.Ordinal);
        Assert.Contains("(it has case_id, identification_date)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_methods_are_marked_as_the_sql_adapter_of_case_records_and_of_dataset_records()
    {
        var adapters = typeof(SqlNodeBuilderExtensions).GetMethods()
            .Select(m => (Method: m.Name, Adapter: (NodeAdapterAttribute?)Attribute.GetCustomAttribute(m, typeof(NodeAdapterAttribute))))
            .Where(m => m.Adapter is not null)
            .Select(m => (m.Method, m.Adapter!.Name, m.Adapter.Kind))
            .OrderBy(m => m.Kind);

        Assert.Equal([(nameof(SqlNodeBuilderExtensions.AddSqlCaseSource), "sql", NodeSourceKind.CaseRecords), (nameof(SqlNodeBuilderExtensions.AddSqlRecordSource), "sql", NodeSourceKind.DatasetRecords)], adapters);
    }
}
