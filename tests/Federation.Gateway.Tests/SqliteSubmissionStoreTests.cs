using Federation.Gateway.Storage;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Tests;

public sealed class SqliteSubmissionStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-tests", Guid.NewGuid().ToString("N"));
    private readonly LogSigningKey _logKey = LogSigningKey.Create("test/log");

    public SqliteSubmissionStoreTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task A_failed_append_leaves_nothing_half_written()
    {
        var store = new SqliteSubmissionStore(Path.Combine(_directory, "gateway.db"), _logKey);
        await store.InitializeAsync(CancellationToken.None);
        // The second cell repeats the first one's key: the insert fails after the submission row was written.
        var broken = Submission("a", [new StoredCell("T0", [], 5, 4), new StoredCell("T0", [], 10, 4)]);

        await Assert.ThrowsAsync<SqliteException>(() => store.AppendAsync(broken, (_, _, _) => [1], CancellationToken.None));

        Assert.Empty(await store.GetHistoryAsync("d", "ON", 2024, CancellationToken.None));
        Assert.Empty(await store.GetCurrentCellsAsync("d", "T0", [], CancellationToken.None));
    }

    [Fact]
    public async Task The_store_survives_a_restart()
    {
        var path = Path.Combine(_directory, "gateway.db");
        var store = new SqliteSubmissionStore(path, _logKey);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(Submission("a", [new StoredCell("T0", [], 5, 4)]), (_, _, _) => [1], CancellationToken.None);

        var reopened = new SqliteSubmissionStore(path, _logKey);
        await reopened.InitializeAsync(CancellationToken.None);

        var cell = Assert.Single(await reopened.GetCurrentCellsAsync("d", "T0", [], CancellationToken.None));
        Assert.Equal(("ON", 2024, 5L), (cell.Jurisdiction, cell.ReferenceYear, cell.Value));
    }

    public void Dispose()
    {
        _logKey.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static NewSubmission Submission(string id, IReadOnlyList<StoredCell> cells) => new(
        id, "d", "ON", 2024, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, "CN=node-on", "AB", [1], [2], cells);
}
