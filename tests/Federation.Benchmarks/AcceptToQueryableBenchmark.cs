using System.Diagnostics;
using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Testing.Postgres;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Benchmarks;

/// <summary>
/// How long after a node's Submit returns its receipt the release is in an analyst's answer (target: at most 100 ms),
/// next to the Submit round trip itself, both through real TLS gateways: the node submits a new year's release, the
/// analyst asks that year and jurisdiction until the answer counts it. Measured on the gateway that accepted the
/// release (SQLite), and on a replica of it sharing its PostgreSQL database (fsync on), which hears of the append
/// through LISTEN/NOTIFY.
/// </summary>
internal sealed class AcceptToQueryableBenchmark : IBenchmark
{
    private const string Jurisdiction = "NS";

    public string Name => "accept-to-queryable";

    public string Description => "time from a Submit's receipt to the release in a query answer, on the same gateway and on a replica, next to the Submit round trip (target <= 100 ms)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        await using (var gateway = await BenchmarkGateway.StartAsync())
        {
            await MeasureAsync(run, "same gateway (SQLite)", gateway, gateway, cancellationToken);
        }

        var server = await PostgresServer.StartDurableAsync();
        await using var accepting = await BenchmarkGateway.StartAsync(await server.CreateDatabaseAsync("benchmark_accept_to_queryable"));
        await using var replica = await accepting.StartReplicaAsync();
        await MeasureAsync(run, "replica (PostgreSQL, NOTIFY)", accepting, replica, cancellationToken);
    }

    // Submits to one gateway and asks another (or the same) until the answer counts the release.
    private static async Task MeasureAsync(BenchmarkRun run, string where, BenchmarkGateway accepting, BenchmarkGateway asked, CancellationToken cancellationToken)
    {
        await QueryBenchmark.LoadDemoSizedFederationAsync(accepting, cancellationToken);
        var node = accepting.Node(Jurisdiction);
        await using (var scope = accepting.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RegisterNodeAsync(node, cancellationToken);
        }

        using var nodeTokens = new GatewayTokenProvider(accepting.Address, GatewayCredentials.ForNode($"node-{Jurisdiction.ToLowerInvariant()}", node), accepting.Trust);
        using var nodeChannel = GatewayChannel.Create(accepting.Address, accepting.Trust, tokens: nodeTokens);
        var submissions = new SubmissionService.SubmissionServiceClient(nodeChannel);
        var queries = new QueryService.QueryServiceClient(asked.AnalystChannel);
        var random = new Random(100);
        var submitTimes = new List<long>();
        var queryableTimes = new List<long>();
        // The first year warms up (tokens, connections, code paths) and is not counted.
        var years = run.Size(Enumerable.Range(1950, 51).ToArray(), [1950, 1951, 1952, 1953]);
        foreach (var year in years)
        {
            var envelope = accepting.SignedRelease(Jurisdiction, year, DateTimeOffset.UtcNow.AddMinutes(-1), random);
            var question = new QueryRequest { DatasetId = QueryBenchmark.DatasetId, Years = { year }, Jurisdictions = { Jurisdiction } };
            var started = Stopwatch.GetTimestamp();
            var receipt = (await submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, cancellationToken: cancellationToken)).Receipt;
            var accepted = Stopwatch.GetTimestamp();
            while (!Counts(await queries.QueryAsync(question, cancellationToken: cancellationToken), receipt))
            {
                if (Stopwatch.GetElapsedTime(accepted).TotalSeconds > 30)
                {
                    throw new InvalidOperationException($"Release {receipt.SubmissionId} was not queryable at {where} 30 s after its receipt.");
                }
            }

            if (year == years[0])
            {
                continue;
            }

            submitTimes.Add(accepted - started);
            queryableTimes.Add(Stopwatch.GetTimestamp() - accepted);
        }

        submitTimes.Sort();
        queryableTimes.Sort();
        foreach (var (label, fraction) in new[] { ("p50", 0.5), ("p99", 0.99) })
        {
            var submit = Throughput.Percentile(submitTimes, fraction);
            run.Yardstick($"{where}: Submit round trip ({submitTimes.Count} releases): {label}", submit, "ms");
            run.Ratio($"{where}: receipt to queryable: {label}", Throughput.Percentile(queryableTimes, fraction), "ms", submit, "Submit round trip");
        }
    }

    // The answer counts the release when its tree includes the leaf and the jurisdiction contributes to the year.
    private static bool Counts(QueryResponse response, Receipt receipt) =>
        response.TreeSize >= receipt.TreeSize
        && response.Rows.Any(r => r.ReferenceYear == receipt.ReferenceYear && r.ContributingJurisdictions.Contains(Jurisdiction));
}
