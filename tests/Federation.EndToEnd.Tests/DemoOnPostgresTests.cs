using System.Text.RegularExpressions;
using Federation.Cli.Demo;
using Federation.Sdk.Catalog;
using Federation.Testing.Postgres;
using Npgsql;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// `fed demo --postgres`: the whole demo with the gateway's log, clients and audit log in a real PostgreSQL server, with
/// one gateway or several replicas on the database. Each run has a database of its own (each demo folder has its own
/// log key, and a log signed by another key is refused).
/// </summary>
public sealed partial class DemoOnPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Fed_demo_once_on_postgres_reports_all_13_jurisdictions_from_releases_logged_in_the_database()
    {
        var output = await RunDemoAsync(database.ConnectionString);

        Assert.Contains("  gateway started on https://127.0.0.1:", output, StringComparison.Ordinal);
        await AssertEveryFigureIsInTheDatabaseAsync(database.ConnectionString);
    }

    [Fact]
    public async Task Fed_demo_once_with_two_replicas_spreads_the_nodes_across_them_reports_all_13_jurisdictions_and_both_serve_one_log()
    {
        var connectionString = await database.Server.CreateDatabaseAsync("demo_replicas");
        try
        {
            var output = await RunDemoAsync(connectionString, "--replicas", "2");

            Assert.Contains("  2 gateway replicas started on one database", output, StringComparison.Ordinal);
            var replicas = ReplicaLine().Matches(output);
            Assert.Equal(["1", "2"], replicas.Select(m => m.Groups["replica"].Value));
            Assert.Equal(
                [string.Join(' ', DevelopmentFederation.NodesOf(0, 2)), string.Join(' ', DevelopmentFederation.NodesOf(1, 2))],
                replicas.Select(m => m.Groups["nodes"].Value));
            Assert.Equal(Jurisdiction.All.Order(), replicas.SelectMany(m => m.Groups["nodes"].Value.Split(' ')).Order());
            Assert.NotEqual(replicas[0].Groups["address"].Value, replicas[1].Groups["address"].Value);

            // Each replica, asked itself, serves the same log: same size, same root.
            var checkpoints = ReplicaCheckpointLine().Matches(output);
            Assert.Equal(replicas.Select(m => m.Groups["address"].Value), checkpoints.Select(m => m.Groups["address"].Value));
            Assert.Single(checkpoints.Select(m => (m.Groups["size"].Value, m.Groups["root"].Value)).Distinct());
            await AssertEveryFigureIsInTheDatabaseAsync(connectionString);
        }
        finally
        {
            await database.Server.DropDatabaseAsync(connectionString);
        }
    }

    // Runs `fed demo --once` on the database in a folder of its own; returns its output once it reported all 13 jurisdictions.
    private static async Task<string> RunDemoAsync(string connectionString, params string[] more)
    {
        var data = Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, ["demo", "--once", "--data", data, "--postgres", connectionString, .. more]);

            Assert.True(exitCode == 0, $"fed demo exited {exitCode}: {error}\n{output}");
            Assert.Contains($"gateway store: PostgreSQL database '{new NpgsqlConnectionStringBuilder(connectionString).Database}' on 127.0.0.1:", output, StringComparison.Ordinal);
            Assert.Contains("Completeness: 6 of 6 years have all 13 jurisdictions reporting.", output, StringComparison.Ordinal);
            foreach (var jurisdiction in Jurisdiction.All)
            {
                Assert.Contains(Jurisdiction.NameOf(jurisdiction), output, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(PostgresServer.Password, output + error, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "gateway"), "*.db"));
            return output;
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task AssertEveryFigureIsInTheDatabaseAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var releases = new NpgsqlCommand("SELECT count(DISTINCT leaf) FILTER (WHERE kind = 1), count(*) FILTER (WHERE kind = 1) FROM log_entries", connection);
        await using var reader = await releases.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        // At least one statistics release per jurisdiction and year (6 years), every one a leaf in the database, none twice.
        Assert.True(reader.GetInt64(1) >= 13L * 6, $"{reader.GetInt64(1)} statistics leaves");
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
    }

    [GeneratedRegex(@"^    replica (?<replica>\d): (?<address>https://127\.0\.0\.1:\d+)  nodes (?<nodes>[A-Z ]+)$", RegexOptions.Multiline)]
    private static partial Regex ReplicaLine();

    [GeneratedRegex(@"^  replica \d \((?<address>https://127\.0\.0\.1:\d+)\): (?<size>\d+) leaves, root (?<root>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ReplicaCheckpointLine();
}
