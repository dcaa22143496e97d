using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Benchmarks;

/// <summary>
/// Queries per second and latency through a real TLS gateway with an analyst token (a fixed mix of six ordinary
/// queries, national totals alone, the mix "as of" an earlier tree size, and requests never asked before, which no
/// kept answer serves), at 1 and 16 calls in flight, next to the same gateway's anonymous health check measured just
/// before at the same concurrency. The gateway holds a demo-sized federation: 13 jurisdictions, 6 years.
/// </summary>
internal sealed class QueryBenchmark : IBenchmark
{
    public const string DatasetId = "trafficking.victims.v1";

    /// <summary>The mix: what the README's examples and the annual report ask.</summary>
    public static readonly QueryRequest[] Mix =
    [
        new() { DatasetId = DatasetId },
        new() { DatasetId = DatasetId, GroupBy = { "gender", "age_group" }, Years = { 2024 } },
        new() { DatasetId = DatasetId, ByJurisdiction = true, Years = { 2024 } },
        new() { DatasetId = DatasetId, Filters = { new DimensionFilter { DimensionId = "exploitation_type", Codes = { "FORCED_LABOUR" } } }, GroupBy = { "age_group" } },
        new() { DatasetId = DatasetId, ByJurisdiction = true, GroupBy = { "gender" }, Publication = true },
        new() { DatasetId = DatasetId, GroupBy = { "gender" } },
    ];

    /// <summary>A tree size the "as of" workload asks about: about half of the demo-sized log.</summary>
    public const ulong EarlierTreeSize = 40;

    public string Name => "queries";

    public string Description => "a fixed query mix, national totals, the mix \"as of\" and never-asked queries at 1 and 16 in flight (TLS, analyst token) next to the gateway's health-check rate; p50/p99";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        await using var gateway = await BenchmarkGateway.StartAsync();
        await LoadDemoSizedFederationAsync(gateway, cancellationToken);
        var health = new Health.HealthClient(gateway.AnonymousChannel);
        var queries = new QueryService.QueryServiceClient(gateway.AnalystChannel);
        long next = 0, distinct = 0;
        var workloads = new (string Name, Func<CancellationToken, Task> Call)[]
        {
            ("query mix (6 queries)", async ct =>
            {
                var response = await queries.QueryAsync(Mix[Interlocked.Increment(ref next) % Mix.Length], cancellationToken: ct);
                if (response.Rows.Count == 0)
                {
                    throw new InvalidOperationException("A query of the mix had no rows.");
                }
            }),
            ("national totals", async ct => await queries.QueryAsync(Mix[0], cancellationToken: ct)),
            ("the mix as of an earlier tree size", async ct =>
            {
                var request = Mix[Interlocked.Increment(ref next) % Mix.Length].Clone();
                request.AsOfTreeSize = EarlierTreeSize;
                await queries.QueryAsync(request, cancellationToken: ct);
            }),
            ("queries never asked before", async ct => await queries.QueryAsync(NeverAsked(Interlocked.Increment(ref distinct)), cancellationToken: ct)),
        };

        foreach (var inFlight in new[] { 1, 16 })
        {
            var healthRate = await Throughput.MeasureAsync(
                async ct => await health.CheckAsync(new HealthCheckRequest(), cancellationToken: ct), inFlight, run.MeasurementTime, cancellationToken);
            run.Yardstick($"health check, {inFlight} in flight", healthRate.PerSecond, "/s");
            run.Yardstick($"health check, {inFlight} in flight: p99", healthRate.P99Milliseconds, "ms");
            foreach (var (name, call) in workloads)
            {
                var measured = await Throughput.MeasureAsync(call, inFlight, run.MeasurementTime, cancellationToken);
                run.Ratio($"{name}, {inFlight} in flight", measured.PerSecond, "/s", healthRate.PerSecond, "health rate");
                run.Ratio($"{name}, {inFlight} in flight: p50", measured.P50Milliseconds, "ms", healthRate.P50Milliseconds, "health p50");
                run.Ratio($"{name}, {inFlight} in flight: p99", measured.P99Milliseconds, "ms", healthRate.P99Milliseconds, "health p99");
            }
        }
    }

    /// <summary>
    /// The <paramref name="n"/>th of 8,191 different requests (a publication view by gender for a different set of
    /// jurisdictions each), so that every one is answered from scratch rather than from the answers kept.
    /// </summary>
    public static QueryRequest NeverAsked(long n)
    {
        var members = (int)(n % 8191) + 1;
        var request = new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender" }, Publication = true };
        for (var j = 0; j < BenchmarkGateway.Dataset.Jurisdictions.Count; j++)
        {
            if ((members & (1 << j)) != 0)
            {
                request.Jurisdictions.Add(BenchmarkGateway.Dataset.Jurisdictions[j]);
            }
        }

        return request;
    }

    /// <summary>The demo's shape: every jurisdiction's release of 2019 to 2024, accepted by the gateway's ingestion.</summary>
    public static async Task LoadDemoSizedFederationAsync(BenchmarkGateway gateway, CancellationToken cancellationToken)
    {
        var ingestor = gateway.Services.GetRequiredService<SubmissionIngestor>();
        var random = new Random(14);
        var producedAt = DateTimeOffset.UtcNow.AddHours(-1);
        foreach (var jurisdiction in BenchmarkGateway.Dataset.Jurisdictions)
        {
            for (var year = 2019; year <= 2024; year++)
            {
                await ingestor.IngestAsync(gateway.SignedRelease(jurisdiction, year, producedAt, random), cancellationToken);
            }
        }
    }
}
