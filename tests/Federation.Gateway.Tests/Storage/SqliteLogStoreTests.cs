using Federation.Gateway.Storage;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Tests.Storage;

/// <summary>The store conformance suite on a real SQLite file.</summary>
public sealed class SqliteLogStoreTests : LogStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federation-tests", Guid.NewGuid().ToString("N"));

    public SqliteLogStoreTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "gateway.db");

    protected override ILogStore CreateStore() => new SqliteLogStore(DatabasePath);

    // The schema the gateway wrote before the log held the release bytes: two logged statistics releases with cells.
    private async Task<byte[][]> CreateLegacyDatabaseAsync(int directoryReleases)
    {
        await ExecuteSqlAsync("""
            CREATE TABLE submissions (submission_id TEXT PRIMARY KEY, dataset_id TEXT, jurisdiction TEXT, reference_year INTEGER, revision INTEGER,
                produced_at TEXT, received_at TEXT, signer_subject TEXT, signer_thumbprint TEXT, submission_bytes BLOB, signature BLOB, receipt BLOB, superseded_by TEXT);
            CREATE TABLE cells (submission_id TEXT, table_id TEXT, codes TEXT, value INTEGER, variance REAL);
            CREATE TABLE log_leaves (leaf_index INTEGER PRIMARY KEY, submission_id TEXT, leaf_hash BLOB, appended_at TEXT);
            CREATE TABLE log_checkpoints (tree_size INTEGER PRIMARY KEY, root_hash BLOB, signed_note TEXT, signed_at TEXT);
            CREATE TABLE directory_releases (release_id TEXT PRIMARY KEY);
            CREATE TABLE capacity_readings (release_id TEXT);
            CREATE TABLE capacity_current (jurisdiction TEXT);
            """);
        var leaves = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            byte[] bytes = [0x0a, 0x01, (byte)('a' + i)];
            byte[] signature = [0x30, (byte)i];
            var leaf = LogLeaf.Encode(bytes, signature);
            leaves.Add(leaf);
            var hash = Convert.ToHexString(MerkleHash.Leaf(leaf));
            await ExecuteSqlAsync($"""
                INSERT INTO submissions VALUES ('s{i}', 'd', 'ON', 2024, {i + 1}, '2025-01-0{i + 1}T00:00:00.0000000Z', '2025-01-0{i + 1}T00:00:00.0000000Z', 'CN=node-on', 'AB',
                    x'{Convert.ToHexString(bytes)}', x'{Convert.ToHexString(signature)}', x'01', NULL);
                INSERT INTO cells VALUES ('s{i}', 'T0', '', 5, 4);
                INSERT INTO log_leaves VALUES ({i}, 's{i}', x'{hash}', '2025-01-0{i + 1}T00:00:00.0000000Z');
                """);
        }

        for (var i = 0; i < directoryReleases; i++)
        {
            await ExecuteSqlAsync($"INSERT INTO directory_releases VALUES ('r{i}')");
        }

        return [.. leaves];
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_database_of_the_previous_gateway_is_migrated_keeping_its_leaves_and_dropping_derived_rows()
    {
        var leaves = await CreateLegacyDatabaseAsync(directoryReleases: 0);

        var store = CreateStore();
        await store.MigrateAsync(CancellationToken.None);

        var entries = await store.GetLeavesAsync(0, 10, 10, CancellationToken.None);
        Assert.Equal(leaves, entries.Select(e => e.Leaf));
        Assert.Equal([LeafKind.StatisticsRelease, LeafKind.StatisticsRelease], entries.Select(e => e.Kind));
        var tree = new MerkleTree(leaves.Select(l => MerkleHash.Leaf(l)).ToArray());
        var root = Sdk.Transparency.CompleteSubtrees.RootHash(2, await store.GetSubtreesAsync(Sdk.Transparency.CompleteSubtrees.ForRoot(2), CancellationToken.None));
        Assert.Equal(tree.RootHash(2), root);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM sqlite_master WHERE name IN ('submissions', 'cells', 'log_leaves')"));
    }

    [Fact]
    public async Task A_database_with_unlogged_directory_releases_is_refused_telling_the_operator_what_to_do_and_left_unchanged()
    {
        await CreateLegacyDatabaseAsync(directoryReleases: 2);

        var refusal = await Assert.ThrowsAsync<StoreSchemaException>(() => CreateStore().MigrateAsync(CancellationToken.None));

        Assert.Contains("holds 2 directory release(s)", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("DROP TABLE directory_releases", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM submissions"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM sqlite_master WHERE name = 'log_entries'"));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
