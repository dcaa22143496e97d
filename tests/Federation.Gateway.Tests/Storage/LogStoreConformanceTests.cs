using System.Data.Common;
using System.Text;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Transparency;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Federation.Gateway.Tests.Storage;

/// <summary>
/// What every <see cref="ILogStore"/> must do, run against each implementation by a subclass that says how to make
/// a store on a fresh database (one per test). Leaves are appended through the gateway's own log component, as in
/// production, so a store passes only if it persists exactly what the log computed and serializes appenders.
/// </summary>
public abstract class LogStoreConformanceTests : IAsyncDisposable
{
    private readonly LogSigningKey _key = LogSigningKey.Create("conformance/log");

    /// <summary>A new store object on this test's database (each call may be another connection pool, like another process).</summary>
    protected abstract ILogStore CreateStore();

    /// <summary>Runs SQL on this test's database as an operator with write access would.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    [Fact]
    public async Task Migrating_twice_gives_one_empty_log_with_a_signed_empty_checkpoint()
    {
        var store = CreateStore();
        await store.MigrateAsync(CancellationToken.None);
        await store.MigrateAsync(CancellationToken.None);
        var log = Log(store);
        await log.InitializeAsync(CancellationToken.None);
        await Log(CreateStore()).InitializeAsync(CancellationToken.None);

        Assert.Equal(0, await store.GetTreeSizeAsync(CancellationToken.None));
        Assert.True(await store.IsAvailableAsync(CancellationToken.None));
        var checkpoint = await log.GetLatestCheckpointAsync(CancellationToken.None);
        Assert.Equal(0, checkpoint.TreeSize);
        Assert.Equal(MerkleHash.EmptyRoot(), Root(checkpoint.SignedNote));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused_with_a_message_naming_both_versions()
    {
        var store = CreateStore();
        await store.MigrateAsync(CancellationToken.None);
        await ExecuteSqlAsync("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'from the future', 'now')");

        var refusal = await Assert.ThrowsAsync<StoreSchemaException>(() => CreateStore().MigrateAsync(CancellationToken.None));

        Assert.Contains("schema version 999", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("newer than this gateway knows", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appended_leaves_read_back_byte_for_byte_with_their_kind_receipt_and_signer()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        await AppendAsync(store, log, "a", LeafKind.StatisticsRelease);
        await AppendAsync(store, log, "b", LeafKind.DirectoryRelease);

        var leaves = await store.GetLeavesAsync(0, 10, 10, CancellationToken.None);

        Assert.Equal(2, await store.GetTreeSizeAsync(CancellationToken.None));
        Assert.Equal([0L, 1L], leaves.Select(l => l.LeafIndex));
        Assert.Equal([LeafKind.StatisticsRelease, LeafKind.DirectoryRelease], leaves.Select(l => l.Kind));
        Assert.Equal(LeafBytes("b"), leaves[1].Leaf);
        Assert.Equal(Encoding.UTF8.GetBytes("receipt of b"), leaves[1].Receipt);
        Assert.Equal(("CN=b", "THUMB-b"), (leaves[1].SignerSubject, leaves[1].SignerThumbprint));
        Assert.Equal(1, await store.FindLeafIndexAsync(MerkleHash.Leaf(LeafBytes("b")), CancellationToken.None));
        Assert.Null(await store.FindLeafIndexAsync(MerkleHash.Leaf(LeafBytes("c")), CancellationToken.None));
        Assert.Single(await store.GetLeavesAsync(1, 10, 1, CancellationToken.None));
    }

    [Fact]
    public async Task An_append_that_is_not_committed_leaves_nothing()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        await using (var transaction = await store.BeginAppendAsync(CancellationToken.None))
        {
            await log.AppendAsync(transaction, LeafKind.StatisticsRelease, "a", LeafBytes("a"), "CN=a", "T", _ => [1], CancellationToken.None);
            Assert.Equal(1, await transaction.GetTreeSizeAsync(CancellationToken.None));
        }

        Assert.Equal(0, await store.GetTreeSizeAsync(CancellationToken.None));
        Assert.Null(await store.GetCheckpointAsync(1, CancellationToken.None));
        Assert.Empty(await store.GetSubtreesAsync([new MerkleSubtree(0, 0)], CancellationToken.None));
        await AppendAsync(store, log, "b", LeafKind.StatisticsRelease);
        Assert.Equal("b", Assert.Single(await store.GetLeavesAsync(0, 10, 10, CancellationToken.None)).ReleaseId);
    }

    [Fact]
    public async Task A_release_id_is_stored_once_and_a_leaf_out_of_sequence_is_refused()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        await AppendAsync(store, log, "a", LeafKind.StatisticsRelease);

        await using (var transaction = await store.BeginAppendAsync(CancellationToken.None))
        {
            Assert.Equal("a", (await transaction.FindReleaseAsync("a", CancellationToken.None))?.ReleaseId);
            Assert.Null(await transaction.FindReleaseAsync("b", CancellationToken.None));
            await Assert.ThrowsAnyAsync<DbException>(() =>
                log.AppendAsync(transaction, LeafKind.StatisticsRelease, "a", LeafBytes("a again"), "CN=a", "T", _ => [1], CancellationToken.None));
        }

        await using (var transaction = await store.BeginAppendAsync(CancellationToken.None))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => transaction.AppendAsync(
                [new StoredLeaf(5, LeafKind.StatisticsRelease, "x", [1], [1], "s", "t", DateTimeOffset.UtcNow)],
                [],
                new NewCheckpoint(6, new byte[32], "note", DateTimeOffset.UtcNow),
                CancellationToken.None));
        }

        Assert.Equal(1, await store.GetTreeSizeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Roots_and_proofs_from_stored_subtrees_equal_the_merkle_tree_of_the_leaves_for_every_size()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        const int count = 37;
        for (var i = 0; i < count; i++)
        {
            var inclusion = await AppendAsync(store, log, $"r{i}", LeafKind.StatisticsRelease);
            Assert.True(MerkleProof.VerifyInclusion((ulong)i, (ulong)(i + 1), inclusion.LeafHash, inclusion.Proof, Root(inclusion.Checkpoint)).IsValid);
        }

        var tree = new MerkleTree(Enumerable.Range(0, count).Select(i => MerkleHash.Leaf(LeafBytes($"r{i}"))).ToArray());
        for (long size = 1; size <= count; size++)
        {
            var checkpoint = await store.GetCheckpointAsync(size, CancellationToken.None);
            Assert.NotNull(checkpoint);
            Assert.Equal(tree.RootHash(size), Root(checkpoint.SignedNote));
            for (long index = 0; index < size; index += 5)
            {
                var answer = await log.GetInclusionProofAsync(index, null, size, CancellationToken.None);
                Assert.Equal(tree.InclusionProof(index, size), answer.Proof);
                Assert.Equal(tree.InclusionProof(index, size), (await log.GetInclusionProofAsync(null, MerkleHash.Leaf(LeafBytes($"r{index}")), size, CancellationToken.None)).Proof);
            }

            for (long first = 1; first <= size; first += 4)
            {
                Assert.Equal(tree.ConsistencyProof(first, size), (await log.GetConsistencyProofAsync(first, size, CancellationToken.None)).Proof);
            }
        }
    }

    [Fact]
    public async Task Concurrent_appenders_on_separate_stores_never_store_one_release_twice_nor_fork_the_log()
    {
        await NewLogStoreAsync();
        const int appenders = 12;
        // Two appenders per release: whoever comes second must find the first's leaf under the same lock.
        var tasks = Enumerable.Range(0, appenders).Select(i => Task.Run(async () =>
        {
            var store = CreateStore();
            var log = Log(store);
            var id = $"release-{i / 2}";
            await using var transaction = await store.BeginAppendAsync(CancellationToken.None);
            if (await transaction.FindReleaseAsync(id, CancellationToken.None) is null)
            {
                await log.AppendAsync(transaction, LeafKind.StatisticsRelease, id, LeafBytes(id), "CN", "T", _ => [1], CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        var reader = CreateStore();
        var leaves = await reader.GetLeavesAsync(0, 100, 100, CancellationToken.None);
        Assert.Equal(appenders / 2, leaves.Count);
        Assert.Equal(leaves.Count, leaves.Select(l => l.ReleaseId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, leaves.Count).Select(i => (long)i), leaves.Select(l => l.LeafIndex));
        var tree = new MerkleTree(leaves.Select(l => MerkleHash.Leaf(l.Leaf)).ToArray());
        for (long size = 1; size <= leaves.Count; size++)
        {
            Assert.Equal(tree.RootHash(size), Root((await reader.GetCheckpointAsync(size, CancellationToken.None))!.SignedNote));
        }
    }

    [Fact]
    public async Task The_checkpoint_at_a_time_is_the_latest_signed_then()
    {
        var store = await NewLogStoreAsync();
        var clock = new SteppingClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var log = new TransparencyLog(store, _key, clock);
        await AppendAsync(store, log, "a", LeafKind.StatisticsRelease);
        clock.Now += TimeSpan.FromHours(1);
        await AppendAsync(store, log, "b", LeafKind.StatisticsRelease);

        Assert.Equal(1, (await store.GetCheckpointAtAsync(clock.Now.AddMinutes(-1), CancellationToken.None))?.TreeSize);
        Assert.Equal(2, (await store.GetCheckpointAtAsync(clock.Now, CancellationToken.None))?.TreeSize);
        Assert.Equal(2, (await store.GetLatestCheckpointAsync(CancellationToken.None))?.TreeSize);
    }

    [Fact]
    public async Task A_removed_subtree_row_is_reported_by_the_proof_that_needs_it()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        for (var i = 0; i < 4; i++)
        {
            await AppendAsync(store, log, $"r{i}", LeafKind.StatisticsRelease);
        }

        await ExecuteSqlAsync("DELETE FROM log_subtrees WHERE level = 1 AND subtree_index = 1");

        var error = await Assert.ThrowsAsync<LogIntegrityException>(() => log.GetInclusionProofAsync(0, null, 4, CancellationToken.None));
        Assert.Contains("level 1, index 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_gateways_on_one_database_keep_one_sequence_store_each_release_once_and_serve_each_others_releases()
    {
        await NewLogStoreAsync();
        using var first = new Gateway(CreateStore(), _key);
        using var second = new Gateway(CreateStore(), _key);
        var releases = new[] { "AB", "BC", "MB", "NB", "NL", "NS", "ON", "QC" }.Select(j => Statistics(j, 2024, total: j.Length * 10 + j[0], hoursAgo: 1)).ToArray();

        // Every release sent to both gateways at once.
        var results = await Task.WhenAll(releases.SelectMany(r => new[] { first, second }.Select(g => Task.Run(() => g.AppendAsync(r)))));

        foreach (var group in results.GroupBy(r => r.CurrentReleaseId))
        {
            Assert.Equal([AppendOutcome.Stored, AppendOutcome.AlreadyStored], group.Select(r => r.Outcome).Order());
            Assert.Equal(group.First().ReceiptBytes, group.Last().ReceiptBytes);
        }

        Assert.Equal(releases.Length, await CreateStore().GetTreeSizeAsync(CancellationToken.None));
        var answeredByFirst = await first.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None);
        var answeredBySecond = await second.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None);
        Assert.Equal(releases.Length, answeredBySecond.Count);
        Assert.Equal(answeredByFirst.Select(c => (c.Jurisdiction, c.Value)), answeredBySecond.Select(c => (c.Jurisdiction, c.Value)));
    }

    [Fact]
    public async Task Revisions_are_numbered_in_order_and_an_older_release_is_refused_whichever_gateway_decides()
    {
        await NewLogStoreAsync();
        using var first = new Gateway(CreateStore(), _key);
        using var second = new Gateway(CreateStore(), _key);
        var original = Statistics("ON", 2024, total: 100, hoursAgo: 3);
        var revision = Statistics("ON", 2024, total: 120, hoursAgo: 2);
        var late = Statistics("ON", 2024, total: 90, hoursAgo: 4);

        var stored = await first.AppendAsync(original);
        var revised = await second.AppendAsync(revision);
        var refused = await first.AppendAsync(late);

        Assert.Equal(AppendOutcome.Stored, stored.Outcome);
        Assert.Equal(AppendOutcome.Stored, revised.Outcome);
        Assert.Equal((AppendOutcome.OlderThanCurrent, revised.CurrentReleaseId), (refused.Outcome, refused.CurrentReleaseId));
        var history = await first.Statistics.GetHistoryAsync("trafficking.victims.v1", "ON", 2024, CancellationToken.None);
        Assert.Equal([(1, revised.CurrentReleaseId), (2, (string?)null)], history.Select(h => (h.Revision, h.SupersededBy)));
        Assert.Equal(120, Assert.Single(await first.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None)).Value);
    }

    public virtual ValueTask DisposeAsync()
    {
        _key.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>The bytes of a test leaf (stores never parse leaves).</summary>
    protected static byte[] LeafBytes(string name) => Encoding.UTF8.GetBytes("leaf " + name);

    private static ReleaseToAppend Statistics(string jurisdiction, int year, long total, int hoursAgo)
    {
        var bytes = TestSubmissions.Complete(jurisdiction, year, total: total, producedAt: DateTimeOffset.UtcNow.AddHours(-hoursAgo)).ToByteArray();
        return new ReleaseToAppend(
            LeafKind.StatisticsRelease,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            SeriesKey.Statistics("trafficking.victims.v1", jurisdiction, year),
            DateTimeOffset.UtcNow.AddHours(-hoursAgo),
            "CN=node-" + jurisdiction,
            "THUMB",
            bytes,
            [0x30, 0x00]);
    }

    [Fact]
    public async Task Releases_sent_to_one_gateway_at_once_are_decided_as_if_one_after_the_other()
    {
        await NewLogStoreAsync();
        using var gateway = new Gateway(CreateStore(), _key);
        var jurisdictions = new[] { "AB", "BC", "MB", "NB", "NL", "NS", "ON", "QC" };
        var refusedByRule = Statistics("YT", 2024, total: 70, hoursAgo: 3);

        // Per jurisdiction, in this order and all in flight together: a release, the same again, its revision, an older one.
        var sent = jurisdictions.SelectMany(j =>
        {
            var original = Statistics(j, 2024, total: 100, hoursAgo: 3);
            return new[] { original, original, Statistics(j, 2024, total: 120, hoursAgo: 2), Statistics(j, 2024, total: 90, hoursAgo: 4) };
        }).ToArray();
        var appends = sent.Select(r => gateway.AppendAsync(r)).ToList();
        var refusal = gateway.AppendAsync(refusedByRule, (_, _) => throw new RequestRefusedException(RefusalKind.FailedPrecondition, "refused by the rule", "field"));
        var results = await Task.WhenAll(appends);

        Assert.Equal("refused by the rule", (await Assert.ThrowsAsync<RequestRefusedException>(() => refusal)).Message);
        foreach (var chunk in results.Chunk(4))
        {
            Assert.Equal([AppendOutcome.Stored, AppendOutcome.AlreadyStored, AppendOutcome.Stored, AppendOutcome.OlderThanCurrent], chunk.Select(r => r.Outcome));
            Assert.Equal(chunk[0].ReceiptBytes, chunk[1].ReceiptBytes);
            Assert.Equal(chunk[2].CurrentReleaseId, chunk[3].CurrentReleaseId);
        }

        Assert.Equal(jurisdictions.Length * 2, await CreateStore().GetTreeSizeAsync(CancellationToken.None));
        foreach (var jurisdiction in jurisdictions)
        {
            var history = await gateway.Statistics.GetHistoryAsync("trafficking.victims.v1", jurisdiction, 2024, CancellationToken.None);
            Assert.Equal([1, 2], history.Select(h => h.Revision));
        }

        var current = await gateway.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None);
        Assert.Equal(jurisdictions.Select(j => (j, 120L)), current.Select(c => (c.Jurisdiction, c.Value)));
    }

    [Fact]
    public async Task Leaves_appended_together_get_one_checkpoint_that_every_receipt_proves_its_leaf_in_and_another_gateway_serves_them()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        var releases = Jurisdictions.Select(j => Statistics(j, 2024, total: 10 * j[0], hoursAgo: 1)).ToArray();

        await AppendTogetherAsync(store, log, releases[..1]);
        var together = await AppendTogetherAsync(store, log, releases[1..]);

        Assert.Equal([0L, 1L, 8L], (await store.GetCheckpointsAsync(0, 8, CancellationToken.None)).Select(c => c.TreeSize));
        var stored = await store.GetLeavesAsync(1, 8, 10, CancellationToken.None);
        var tree = new MerkleTree((await store.GetLeavesAsync(0, 8, 10, CancellationToken.None)).Select(l => MerkleHash.Leaf(l.Leaf)).ToArray());
        Assert.Equal(tree.RootHash(8), Root(together.Inclusions[0].Checkpoint));
        foreach (var (inclusion, leaf) in together.Inclusions.Zip(stored))
        {
            Assert.Equal((leaf.LeafIndex, 8L), (inclusion.LeafIndex, inclusion.TreeSize));
            Assert.True(MerkleProof.VerifyInclusion((ulong)inclusion.LeafIndex, 8, inclusion.LeafHash, inclusion.Proof, Root(inclusion.Checkpoint)).IsValid);
            Assert.Equal(Encoding.UTF8.GetBytes($"receipt of leaf {leaf.LeafIndex} in 8"), leaf.Receipt);
        }

        using var other = new Gateway(CreateStore(), _key);
        var cells = await other.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None);
        Assert.Equal(Jurisdictions.Select(j => (j, 10L * j[0])), cells.Select(c => (c.Jurisdiction, c.Value)));
    }

    [Fact]
    public async Task A_changed_leaf_among_leaves_appended_together_stops_serving_naming_it()
    {
        var store = await NewLogStoreAsync();
        var log = Log(store);
        var releases = Jurisdictions.Select(j => Statistics(j, 2024, total: 10 * j[0], hoursAgo: 1)).ToArray();
        await AppendTogetherAsync(store, log, releases[..1]);
        await AppendTogetherAsync(store, log, releases[1..]);

        await ExecuteSqlAsync("UPDATE log_entries SET leaf = receipt WHERE leaf_index = 5");

        using var other = new Gateway(CreateStore(), _key);
        var failure = await Assert.ThrowsAsync<LogIntegrityException>(() => other.Statistics.GetCurrentCellsAsync("trafficking.victims.v1", "T0", [], CancellationToken.None));
        Assert.Contains($"Leaf 5 (statistics release {releases[5].ReleaseId}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("(one of leaves 1 to 7, appended together) does not match the log's signed checkpoints", failure.Message, StringComparison.Ordinal);
    }

    private static readonly string[] Jurisdictions = ["AB", "BC", "MB", "NB", "NL", "NS", "ON", "QC"];

    // Appends releases in one transaction with one checkpoint, as the gateway's writer does.
    private static async Task<LogAppend> AppendTogetherAsync(ILogStore store, TransparencyLog log, IReadOnlyList<ReleaseToAppend> releases)
    {
        await using var transaction = await store.BeginAppendAsync(CancellationToken.None);
        var appended = await log.AppendAsync(
            transaction,
            releases.Select(r => new LogEntryToAppend(r.Kind, r.ReleaseId, LogLeaf.Encode(r.SignedBytes, r.Signature, LeafKinds.ContentOf(r.Kind)), r.SignerSubject, r.SignerThumbprint)).ToArray(),
            null,
            (_, inclusion) => Encoding.UTF8.GetBytes($"receipt of leaf {inclusion.LeafIndex} in {inclusion.TreeSize}"),
            CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return appended;
    }

    // What one gateway process holds of the log: its own store object, log component, served state and appender.
    private sealed class Gateway : IDisposable
    {
        private readonly ServedLog _served;
        private readonly ReleaseAppender _appender;

        public Gateway(ILogStore store, LogSigningKey key)
        {
            _served = new ServedLog(store, key, DatasetCatalog.Default, NullLogger<ServedLog>.Instance);
            _appender = new ReleaseAppender(store, new TransparencyLog(store, key, TimeProvider.System), _served);
            Statistics = new ServedStatistics(_served);
        }

        public ServedStatistics Statistics { get; }

        public Task<ReleaseAppendResult> AppendAsync(ReleaseToAppend release, Action<ServedSnapshot, SeriesDecision>? admit = null) =>
            _appender.AppendAsync(release, admit, (decision, inclusion) => Encoding.UTF8.GetBytes($"receipt {release.ReleaseId} revision {decision.Revision} leaf {inclusion.LeafIndex}"), CancellationToken.None);

        public void Dispose() => _served.Dispose();
    }

    private async Task<ILogStore> NewLogStoreAsync()
    {
        var store = CreateStore();
        await store.MigrateAsync(CancellationToken.None);
        await Log(store).InitializeAsync(CancellationToken.None);
        return store;
    }

    private TransparencyLog Log(ILogStore store) => new(store, _key, TimeProvider.System);

    private static async Task<LogInclusion> AppendAsync(ILogStore store, TransparencyLog log, string name, LeafKind kind)
    {
        await using var transaction = await store.BeginAppendAsync(CancellationToken.None);
        var inclusion = await log.AppendAsync(transaction, kind, name, LeafBytes(name), "CN=" + name, "THUMB-" + name, _ => Encoding.UTF8.GetBytes("receipt of " + name), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return inclusion;
    }

    // The root of a checkpoint, which must be signed by the log key.
    private byte[] Root(string signedNote) =>
        _key.VerifierKey.TryOpenCheckpoint(signedNote, out var problem)?.RootHash ?? throw new InvalidOperationException(problem);

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
