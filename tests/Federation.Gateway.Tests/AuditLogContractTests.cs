using System.Data.Common;
using Federation.Gateway.Audit;
using Federation.Gateway.Storage;
using Federation.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Federation.Gateway.Tests;

/// <summary>
/// What every audit log must do, whatever keeps it: each implementation inherits these tests and says how to open a
/// log over a fresh database and how to run SQL in that database as an operator with write access would.
/// </summary>
public abstract class AuditLogContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A log over this test's database; called again, another process's view of the same database (a replica).</summary>
    protected abstract IAuditLog OpenLog();

    /// <summary>Runs <paramref name="sql"/> directly in this test's database.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    [Fact]
    public async Task Records_read_back_newest_first_with_every_field_and_a_growing_sequence()
    {
        var log = OpenLog();
        var first = new AuditRecord(Start, "analyst-1", "/federation.v1.QueryService/Query", "{\"groupBy\":[\"gender\"]}", "OK", string.Empty, Refused: false);
        var second = new AuditRecord(Start.AddSeconds(1), "node-on", "/federation.v1.SubmissionService/Submit", "{}", "PermissionDenied", "wrong jurisdiction: é ü 漢", Refused: true);

        await log.AppendAsync(first, CancellationToken.None);
        await log.AppendAsync(second, CancellationToken.None);
        var records = await log.ReadAsync(new AuditQuery(), CancellationToken.None);

        Assert.Equal(2, records.Count);
        Assert.Equal(second with { Sequence = records[0].Sequence }, records[0]);
        Assert.Equal(first with { Sequence = records[1].Sequence }, records[1]);
        Assert.True(records[0].Sequence > records[1].Sequence && records[1].Sequence >= 1);
    }

    [Fact]
    public async Task Reads_filter_by_client_refusals_time_and_limit()
    {
        var log = OpenLog();
        for (var i = 0; i < 6; i++)
        {
            await log.AppendAsync(
                new AuditRecord(Start.AddMinutes(i), i % 2 == 0 ? "analyst-1" : "analyst-2", "/m", "{}", i % 3 == 0 ? "InvalidArgument" : "OK", string.Empty, Refused: i % 3 == 0),
                CancellationToken.None);
        }

        Assert.Equal(new[] { 4, 2, 0 }, Minutes(await log.ReadAsync(new AuditQuery(ClientId: "analyst-1"), CancellationToken.None)));
        Assert.Equal(new[] { 3, 0 }, Minutes(await log.ReadAsync(new AuditQuery(RefusalsOnly: true), CancellationToken.None)));
        Assert.Equal(new[] { 5, 4, 3 }, Minutes(await log.ReadAsync(new AuditQuery(Since: Start.AddMinutes(3)), CancellationToken.None)));
        Assert.Equal(new[] { 5, 4 }, Minutes(await log.ReadAsync(new AuditQuery(Limit: 2), CancellationToken.None)));
        Assert.Empty(await log.ReadAsync(new AuditQuery(ClientId: "nobody"), CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_appends_from_two_openings_of_one_database_are_all_kept_with_distinct_sequences()
    {
        var (one, other) = (OpenLog(), OpenLog());

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? one : other).AppendAsync(
            new AuditRecord(Start.AddSeconds(i), $"client-{i}", "/m", "{}", "OK", string.Empty, Refused: false), CancellationToken.None)));
        var seenByOne = await one.ReadAsync(new AuditQuery(Limit: 100), CancellationToken.None);
        var seenByOther = await other.ReadAsync(new AuditQuery(Limit: 100), CancellationToken.None);

        Assert.Equal(40, seenByOne.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"client-{i}").Order(), seenByOne.Select(r => r.ClientId).Order());
        Assert.Equal(seenByOne, seenByOther);
    }

    [Fact]
    public async Task Stored_records_cannot_be_updated_or_deleted()
    {
        var log = OpenLog();
        await log.AppendAsync(new AuditRecord(Start, "analyst-1", "/m", "{}", "PermissionDenied", "no", Refused: true), CancellationToken.None);

        foreach (var sql in new[] { "UPDATE audit_log SET outcome = 'OK', refused = false", "DELETE FROM audit_log" })
        {
            var refusal = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteSqlAsync(sql));
            Assert.Contains("append-only", refusal.Message, StringComparison.Ordinal);
        }

        var kept = Assert.Single(await log.ReadAsync(new AuditQuery(), CancellationToken.None));
        Assert.Equal(("PermissionDenied", true), (kept.Outcome, kept.Refused));
    }

    private static int[] Minutes(IReadOnlyList<AuditRecord> records) => [.. records.Select(r => (int)(r.Time - Start).TotalMinutes)];
}

/// <summary>The audit log in the gateway's SQLite file.</summary>
public sealed class SqliteAuditLogTests : AuditLogContractTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    protected override IAuditLog OpenLog() => new SqliteAuditLog(_path);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The audit log in a real PostgreSQL server's database, one database per test.</summary>
public sealed class PostgresAuditLogTests : AuditLogContractTests
{
    private readonly List<PostgresGatewayDatabase> _opened = [];
    private PostgresServer? _server;
    private string _connectionString = string.Empty;

    public override async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync("audit");
    }

    public override async Task DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        await _server!.DropDatabaseAsync(_connectionString);
    }

    protected override IAuditLog OpenLog()
    {
        var database = new PostgresGatewayDatabase(_connectionString);
        _opened.Add(database);
        return new PostgresAuditLog(database);
    }

    protected override Task ExecuteSqlAsync(string sql) => PostgresServer.ExecuteAsync(_connectionString, sql);

    [Fact]
    public async Task Truncating_the_audit_log_is_refused()
    {
        var log = OpenLog();
        await log.AppendAsync(new AuditRecord(DateTimeOffset.UnixEpoch, "analyst-1", "/m", "{}", "OK", string.Empty, Refused: false), CancellationToken.None);

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => ExecuteSqlAsync("TRUNCATE audit_log"));

        Assert.Contains("append-only", refusal.Message, StringComparison.Ordinal);
        Assert.Single(await log.ReadAsync(new AuditQuery(), CancellationToken.None));
    }
}
