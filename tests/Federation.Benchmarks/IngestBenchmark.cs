using System.Diagnostics;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Storage;
using Federation.Testing.Postgres;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Benchmarks;

/// <summary>
/// Verified, durably stored releases per second through the gateway's ingestion (CMS signature and chain to the root,
/// validation against the catalogue, privacy budget, log append with its signed checkpoint, commit), on SQLite and on
/// PostgreSQL with fsync on, next to the raw ECDSA P-256 verify rate of the same run on all cores.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    /// <summary>Submissions in flight at once, as many nodes uploading together.</summary>
    public const int InFlight = 64;

    public string Name => "ingest";

    public string Description => "accepted releases/s on SQLite and PostgreSQL (fsync on) next to raw ECDSA P-256 verifies/s";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var release = BenchmarkGateway.Release("ON", 2024, DateTimeOffset.UtcNow, new Random(1)).ToByteArray();
        var rawVerify = MeasureRawVerify(release, run.MeasurementTime);
        run.Yardstick($"raw ECDSA P-256 verify (SHA-256 of a {release.Length:N0}-byte release), {Environment.ProcessorCount} threads", rawVerify.PerSecond, "/s");
        run.Yardstick("raw verify per CPU second (the machine's load aside)", rawVerify.PerCpuSecond, "/cpu-s");

        await MeasureAsync(run, "SQLite (WAL, synchronous FULL)", null, rawVerify, cancellationToken);
        var server = await PostgresServer.StartDurableAsync();
        await MeasureAsync(run, "PostgreSQL (fsync on)", await server.CreateDatabaseAsync("benchmark_ingest"), rawVerify, cancellationToken);
    }

    private static async Task MeasureAsync(BenchmarkRun run, string store, string? postgres, Rate rawVerify, CancellationToken cancellationToken)
    {
        await using var gateway = await BenchmarkGateway.StartAsync(postgres);
        var ingestor = gateway.Services.GetRequiredService<SubmissionIngestor>();
        var logStore = gateway.Services.GetRequiredService<ILogStore>();

        // Every release is new: each jurisdiction's first edition of every year, then its revision (a year's budget
        // holds two releases), each wave sent with InFlight submissions at once.
        var years = run.Size(Enumerable.Range(1900, DateTime.UtcNow.Year - 1900).ToArray(), [2020, 2021]);
        var random = new Random(11);
        var firstProduced = DateTimeOffset.UtcNow.AddHours(-2);
        var waves = new[] { firstProduced, firstProduced.AddHours(1) }
            .Select(producedAt => BenchmarkGateway.Dataset.Jurisdictions
                .SelectMany(j => years.Select(y => gateway.SignedRelease(j, y, producedAt, random)))
                .ToArray())
            .ToArray();

        var before = await logStore.GetTreeSizeAsync(cancellationToken);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        long accepted = 0;
        foreach (var wave in waves)
        {
            await Parallel.ForEachAsync(
                wave,
                new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken },
                async (envelope, ct) =>
                {
                    var receipt = await ingestor.IngestAsync(envelope, ct);
                    if (receipt.LeafIndex < (ulong)before)
                    {
                        throw new InvalidOperationException($"Release {receipt.SubmissionId} was not new: leaf {receipt.LeafIndex}.");
                    }

                    Interlocked.Increment(ref accepted);
                });
        }

        stopwatch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var stored = await logStore.GetTreeSizeAsync(cancellationToken) - before;
        if (stored != accepted)
        {
            throw new InvalidOperationException($"{accepted} releases were accepted but the log grew by {stored}.");
        }

        run.Ratio($"ingest on {store}, {InFlight} in flight ({accepted} releases)", accepted / stopwatch.Elapsed.TotalSeconds, "/s", rawVerify.PerSecond, "raw verify");
        run.Ratio($"  per CPU second of the gateway process{(postgres is null ? string.Empty : " (the server's aside)")}", accepted / cpu.TotalSeconds, "/cpu-s", rawVerify.PerCpuSecond, "raw verify per CPU s");
    }

    /// <summary>ECDSA P-256 verifications of <paramref name="message"/> (a release's bytes) per second on every core, and per CPU second.</summary>
    public static Rate MeasureRawVerify(byte[] message, TimeSpan duration)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = key.SignData(message, HashAlgorithmName.SHA256);
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            long mine = 0;
            while (stopwatch.Elapsed < duration)
            {
                for (var i = 0; i < 32; i++)
                {
                    if (!key.VerifyData(message, signature, HashAlgorithmName.SHA256))
                    {
                        throw new InvalidOperationException("A valid signature did not verify.");
                    }
                }

                mine += 32;
            }

            Interlocked.Add(ref count, mine);
        });
        return new Rate(count / stopwatch.Elapsed.TotalSeconds, count / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>Operations per second of wall-clock time, and per second of this process's CPU time.</summary>
    public sealed record Rate(double PerSecond, double PerCpuSecond);
}
