using Federation.Gateway.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Federation.Gateway.Tests;

/// <summary>The audit queue in front of a real SQLite audit log: nothing lost, reads see what was queued, a full queue waits.</summary>
public sealed class BatchedAuditLogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"audit-batched-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task A_read_sees_every_record_queued_before_it_in_order()
    {
        await using var log = new BatchedAuditLog(new SqliteAuditLog(_path), NullLogger<BatchedAuditLog>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 1200).Select(i => log.AppendAsync(Record(i), CancellationToken.None)));
        var records = await log.ReadAsync(new AuditQuery(Limit: 10_000), CancellationToken.None);

        Assert.Equal(1200, records.Count);
        Assert.Equal(records.Select(r => r.Sequence).OrderDescending(), records.Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_clean_shutdown_stores_every_queued_record_and_a_later_one_directly()
    {
        var log = new BatchedAuditLog(new SqliteAuditLog(_path), NullLogger<BatchedAuditLog>.Instance);
        for (var i = 0; i < 2000; i++)
        {
            await log.AppendAsync(Record(i), CancellationToken.None);
        }

        await log.DisposeAsync();
        await log.AppendAsync(Record(2000), CancellationToken.None);

        var stored = await new SqliteAuditLog(_path).ReadAsync(new AuditQuery(Limit: 10_000), CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 2001).Select(i => $"client-{i}"), stored.Reverse().Select(r => r.ClientId));
    }

    [Fact]
    public async Task A_full_queue_makes_callers_wait_until_the_writer_stores_and_drops_nothing()
    {
        await using var log = new BatchedAuditLog(new SqliteAuditLog(_path), NullLogger<BatchedAuditLog>.Instance);
        await log.AppendAsync(Record(-1), CancellationToken.None);
        await log.ReadAsync(new AuditQuery(), CancellationToken.None); // the table exists

        // Another connection holds the database's write lock: the writer cannot store its first batch.
        await using var blocker = new SqliteConnection($"Data Source={_path}");
        await blocker.OpenAsync();
        await using var lockHeld = (SqliteTransaction)await blocker.BeginTransactionAsync();
        var count = BatchedAuditLog.Capacity + BatchedAuditLog.MaxBatch + 1;
        var appends = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            appends.Add(log.AppendAsync(Record(i), CancellationToken.None));
        }

        // The queue holds Capacity records and the writer at most one batch: at least the last caller waits.
        Assert.Contains(appends, a => !a.IsCompleted);
        await lockHeld.RollbackAsync();
        await Task.WhenAll(appends);

        await log.ReadAsync(new AuditQuery(), CancellationToken.None);
        await using var counter = blocker.CreateCommand();
        counter.CommandText = "SELECT count(*) FROM audit_log";
        Assert.Equal(count + 1L, (long)(await counter.ExecuteScalarAsync())!);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private static AuditRecord Record(int i) =>
        new(Start.AddSeconds(i), $"client-{i}", "/federation.v1.QueryService/Query", "{}", "OK", string.Empty, Refused: false);
}
