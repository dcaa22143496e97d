using System.Diagnostics;
using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Benchmarks;

/// <summary>
/// How long after a node's Submit returns its receipt the release is in an analyst's answer (target: at most 100 ms),
/// next to the Submit round trip itself, both through a real TLS gateway: the node submits a new year's release, the
/// analyst asks that year and jurisdiction until the answer counts it.
/// </summary>
internal sealed class AcceptToQueryableBenchmark : IBenchmark
{
    private const string Jurisdiction = "NS";

    public string Name => "accept-to-queryable";

    public string Description => "time from a Submit's receipt to the release in a query answer, next to the Submit round trip (target <= 100 ms)";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        await using var gateway = await BenchmarkGateway.StartAsync();
        await QueryBenchmark.LoadDemoSizedFederationAsync(gateway, cancellationToken);
        var node = gateway.Node(Jurisdiction);
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RegisterNodeAsync(node, cancellationToken);
        }

        using var nodeTokens = new GatewayTokenProvider(gateway.Address, GatewayCredentials.ForNode($"node-{Jurisdiction.ToLowerInvariant()}", node), gateway.Trust);
        using var nodeChannel = GatewayChannel.Create(gateway.Address, gateway.Trust, tokens: nodeTokens);
        var submissions = new SubmissionService.SubmissionServiceClient(nodeChannel);
        var queries = new QueryService.QueryServiceClient(gateway.AnalystChannel);
        var random = new Random(100);
        var submitTimes = new List<long>();
        var queryableTimes = new List<long>();
        var years = run.Size(Enumerable.Range(1990, 25).ToArray(), [1990, 1991, 1992]);
        foreach (var year in years)
        {
            var envelope = gateway.SignedRelease(Jurisdiction, year, DateTimeOffset.UtcNow.AddMinutes(-1), random);
            var asked = new QueryRequest { DatasetId = QueryBenchmark.DatasetId, Years = { year }, Jurisdictions = { Jurisdiction } };
            var started = Stopwatch.GetTimestamp();
            var receipt = (await submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, cancellationToken: cancellationToken)).Receipt;
            var accepted = Stopwatch.GetTimestamp();
            while (!Counts(await queries.QueryAsync(asked, cancellationToken: cancellationToken), receipt))
            {
                if (Stopwatch.GetElapsedTime(accepted).TotalSeconds > 30)
                {
                    throw new InvalidOperationException($"Release {receipt.SubmissionId} was not queryable 30 s after its receipt.");
                }
            }

            submitTimes.Add(accepted - started);
            queryableTimes.Add(Stopwatch.GetTimestamp() - accepted);
        }

        submitTimes.Sort();
        queryableTimes.Sort();
        foreach (var (label, fraction) in new[] { ("p50", 0.5), ("p99", 0.99) })
        {
            var submit = Throughput.Percentile(submitTimes, fraction);
            run.Yardstick($"Submit round trip ({years.Length} releases): {label}", submit, "ms");
            run.Ratio($"receipt to queryable: {label}", Throughput.Percentile(queryableTimes, fraction), "ms", submit, "Submit round trip");
        }
    }

    // The answer counts the release when its tree includes the leaf and the jurisdiction contributes to the year.
    private static bool Counts(QueryResponse response, Receipt receipt) =>
        response.TreeSize >= receipt.TreeSize
        && response.Rows.Any(r => r.ReferenceYear == receipt.ReferenceYear && r.ContributingJurisdictions.Contains(Jurisdiction));
}
