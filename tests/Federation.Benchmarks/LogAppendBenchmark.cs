using System.Diagnostics;
using System.Security.Cryptography;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Transparency;

namespace Federation.Benchmarks;

/// <summary>
/// The cost of one log append (leaf, completed subtrees, root, signed checkpoint, inclusion proof, commit) at several
/// log sizes, as a ratio to its cost at the smallest: flat when the append reads O(log n) stored subtrees, not O(n).
/// The log is filled to each size fast, through the store contract with pre-hashed leaves and real signed checkpoints,
/// many leaves per transaction.
/// </summary>
internal sealed class LogAppendBenchmark : IBenchmark
{
    private const int PrefillLeavesPerTransaction = 20_000;

    public string Name => "log-append";

    public string Description => "one log append (SQLite, committed) at 1k, 100k and 1M leaves, as a ratio to its cost at 1k";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "federation-benchmarks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var key = LogSigningKey.Create("benchmark.federation/log");
            var store = new SqliteLogStore(Path.Combine(folder, "gateway.db"));
            await store.MigrateAsync(cancellationToken);
            var log = new TransparencyLog(store, key, TimeProvider.System);
            await log.InitializeAsync(cancellationToken);
            var appends = run.Size(300, 20);
            var prefill = new Prefill(store, key);
            double? first = null;
            foreach (var size in run.Size<long[]>([1_000, 100_000, 1_000_000], [1_000, 4_000]))
            {
                var filling = Stopwatch.StartNew();
                await prefill.FillToAsync(size, cancellationToken);
                run.Line($"  (log filled to {size:N0} leaves in {filling.Elapsed.TotalSeconds:0.0} s)");
                var stopwatch = Stopwatch.StartNew();
                for (var i = 0; i < appends; i++)
                {
                    await using var transaction = await store.BeginAppendAsync(cancellationToken);
                    var leaf = RandomNumberGenerator.GetBytes(2048);
                    await log.AppendAsync(transaction, LeafKind.StatisticsRelease, Guid.NewGuid().ToString("N"), leaf, "CN=benchmark", "benchmark", _ => [], cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                var microseconds = stopwatch.Elapsed.TotalMicroseconds / appends;
                first ??= microseconds;
                prefill.Appended(appends);
                run.Ratio($"append at {size:N0} leaves ({appends} appends, each committed)", microseconds, "us", first.Value, "cost at the first size");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Appends pre-hashed leaves through the store contract, keeping the log's frontier in memory.</summary>
    private sealed class Prefill(ILogStore store, LogSigningKey key)
    {
        private long _size;
        private Dictionary<MerkleSubtree, byte[]>? _frontier;

        /// <summary>Counts leaves appended by others (the frontier is then read back from the store).</summary>
        public void Appended(long leaves)
        {
            _size += leaves;
            _frontier = null;
        }

        public async Task FillToAsync(long size, CancellationToken cancellationToken)
        {
            while (_size < size)
            {
                await using var transaction = await store.BeginAppendAsync(cancellationToken);
                _frontier ??= new Dictionary<MerkleSubtree, byte[]>(await transaction.GetSubtreesAsync(CompleteSubtrees.ForRoot(_size), cancellationToken));
                var end = Math.Min(size, _size + PrefillLeavesPerTransaction);
                var signedAt = DateTimeOffset.UtcNow;
                while (_size < end)
                {
                    // As the gateway's writer appends: a group of leaves with one checkpoint at its end.
                    var leaves = new List<StoredLeaf>();
                    var completed = new List<(MerkleSubtree, byte[])>();
                    for (; _size < end && leaves.Count < ReleaseAppender.MaxBatch; _size++)
                    {
                        var leaf = BitConverter.GetBytes(_size);
                        foreach (var (subtree, hash) in CompleteSubtrees.Append(_size, MerkleHash.Leaf(leaf), _frontier))
                        {
                            _frontier[subtree] = hash;
                            completed.Add((subtree, hash));
                        }

                        leaves.Add(new StoredLeaf(_size, LeafKind.StatisticsRelease, $"prefill-{_size}", leaf, [], "CN=prefill", "prefill", signedAt));
                    }

                    var root = CompleteSubtrees.RootHash(_size, _frontier);
                    var note = key.Sign(new Checkpoint(key.Origin, _size, root));
                    await transaction.AppendAsync(leaves, completed, new NewCheckpoint(_size, root, note, signedAt), cancellationToken);
                    var keep = CompleteSubtrees.ForRoot(_size).ToHashSet();
                    foreach (var stale in _frontier.Keys.Where(s => !keep.Contains(s)).ToArray())
                    {
                        _frontier.Remove(stale);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
    }
}
