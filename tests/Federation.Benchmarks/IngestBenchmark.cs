using System.Diagnostics;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Storage;
using Federation.Sdk.Signing;
using Federation.Sdk.Submissions;
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

        await MeasureStagesAsync(run, rawVerify);
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

    /// <summary>
    /// Where a release's CPU time goes, on one thread: the signature and chain check, the canonical parse and the
    /// catalogue validation of ingestion, each per release in microseconds of CPU next to one raw verify's.
    /// </summary>
    private static async Task MeasureStagesAsync(BenchmarkRun run, Rate rawVerify)
    {
        await using var gateway = await BenchmarkGateway.StartAsync();
        var verifier = gateway.Services.GetRequiredService<SubmissionVerifier>();
        var validator = gateway.Services.GetRequiredService<SubmissionValidator>();
        var random = new Random(3);
        var envelopes = BenchmarkGateway.Dataset.Jurisdictions
            .SelectMany(j => Enumerable.Range(2000, run.Size(20, 1)).Select(y => gateway.SignedRelease(j, y, DateTimeOffset.UtcNow, random)))
            .Select(e => (Bytes: e.Submission.ToByteArray(), Signature: e.Signature.ToByteArray()))
            .ToArray();
        var submissions = new Submission[envelopes.Length];
        var rawMicroseconds = 1e6 / rawVerify.PerCpuSecond;
        Stage("CMS signature and chain to the root", i =>
        {
            if (!verifier.Verify(envelopes[i].Bytes, envelopes[i].Signature).IsValid)
            {
                throw new InvalidOperationException("A valid release was refused.");
            }
        });
        Stage("canonical parse", i => submissions[i] = CanonicalMessage.TryParse<Submission>(envelopes[i].Bytes, out _)
            ?? throw new InvalidOperationException("A canonical release was refused."));
        Stage("catalogue validation", i =>
        {
            if (validator.Validate(submissions[i]).Count > 0)
            {
                throw new InvalidOperationException("A valid release was refused.");
            }
        });

        void Stage(string name, Action<int> stage)
        {
            for (var i = 0; i < envelopes.Length; i++)
            {
                stage(i); // warm-up, and the certificates and chains remembered as a running gateway has them
            }

            var rounds = run.Size(5, 1);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < envelopes.Length; i++)
                {
                    stage(i);
                }
            }

            var microseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / (rounds * envelopes.Length);
            run.Ratio($"  one thread, per release: {name}", microseconds, "cpu-us", rawMicroseconds, "one raw verify");
        }
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
