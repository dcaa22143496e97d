using Federation.Sdk.Catalog;
using Federation.Testing.Postgres;
using Npgsql;

namespace Federation.EndToEnd.Tests;

/// <summary>`fed demo --postgres`: the whole demo with the gateway's log, clients and audit log in a real PostgreSQL server.</summary>
public sealed class DemoOnPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Fed_demo_once_on_postgres_reports_all_13_jurisdictions_from_releases_logged_in_the_database()
    {
        var data = Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "demo", "--once", "--data", data, "--postgres", database.ConnectionString);

            Assert.True(exitCode == 0, $"fed demo exited {exitCode}: {error}\n{output}");
            Assert.Contains($"gateway store: PostgreSQL database '{new NpgsqlConnectionStringBuilder(database.ConnectionString).Database}' on 127.0.0.1:", output, StringComparison.Ordinal);
            Assert.Contains("Completeness: 6 of 6 years have all 13 jurisdictions reporting.", output, StringComparison.Ordinal);
            foreach (var jurisdiction in Jurisdiction.All)
            {
                Assert.Contains(Jurisdiction.NameOf(jurisdiction), output, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(PostgresServer.Password, output + error, StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var releases = new NpgsqlCommand("SELECT count(*) FROM log_entries WHERE kind = 1", connection);
            // At least one statistics release per jurisdiction and year (6 years), every one a leaf in the database.
            Assert.True((long)(await releases.ExecuteScalarAsync())! >= 13L * 6);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
