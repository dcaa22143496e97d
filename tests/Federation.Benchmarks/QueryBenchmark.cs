using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Benchmarks;

/// <summary>
/// Queries per second and latency through a real TLS gateway with an analyst token (a fixed mix of six ordinary
/// queries, then national totals alone), at 1 and 16 calls in flight, next to the same gateway's anonymous health check
/// measured just before at the same concurrency. The gateway holds a demo-sized federation: 13 jurisdictions, 6 years.
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

    public string Name => "queries";

    public string Description => "a fixed query mix at 1 and 16 in flight (TLS, analyst token) next to the gateway's health-check rate; p50/p99";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        await using var gateway = await BenchmarkGateway.StartAsync();
        await LoadDemoSizedFederationAsync(gateway, cancellationToken);
        var health = new Health.HealthClient(gateway.AnonymousChannel);
        var queries = new QueryService.QueryServiceClient(gateway.AnalystChannel);
        long next = 0;
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
