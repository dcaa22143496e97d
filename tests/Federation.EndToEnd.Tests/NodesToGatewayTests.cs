using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Privacy;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

public sealed class NodesToGatewayTests
{
    [Fact]
    public async Task Several_nodes_submit_over_grpc_and_national_figures_are_the_sum_of_their_releases()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        string[] reporting = ["NS", "ON", "YT"];
        // Each jurisdiction's figure is the least-squares estimate from every table of its release; the national figure is
        // their sum, recomputed here from the releases the nodes sent.
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var expectedTotals = new Dictionary<int, double>();
        foreach (var jurisdiction in reporting)
        {
            var report = await new NodeRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration(jurisdiction)), TimeProvider.System)
                .RunAsync(CancellationToken.None);
            Assert.Equal(report.Pipeline.Submissions.Count, report.Published.Count);
            foreach (var submission in report.Pipeline.Submissions.Where(s => s.DatasetId == "trafficking.victims.v1"))
            {
                var fit = ReleaseFit.Of(dataset, submission.Tables.SelectMany(t => t.Cells.Select(c => (t.TableId, (IReadOnlyList<string>)c.Codes, c.Value))))!;
                var total = fit.Estimate(new Dictionary<string, string>())!.Value;
                expectedTotals[submission.ReferenceYear] = expectedTotals.GetValueOrDefault(submission.ReferenceYear) + total;
            }
        }

        using var channel = GatewayChannel.Create(fixture.Address, FederationTrust.FromPemFile(fixture.Layout.RootCertificate), tokens: fixture.Analyst);
        var response = await new QueryService.QueryServiceClient(channel).QueryAsync(
            new QueryRequest { DatasetId = "trafficking.victims.v1" }, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(expectedTotals.Keys.Order(), response.Rows.Select(r => r.ReferenceYear));
        foreach (var row in response.Rows)
        {
            Assert.Equal(expectedTotals[row.ReferenceYear], row.Estimate, 6);
            Assert.Equal((long)Math.Round(expectedTotals[row.ReferenceYear], MidpointRounding.AwayFromZero), row.Value);
            Assert.Equal(reporting, row.ContributingJurisdictions);
            Assert.Equal(Jurisdiction.All.Except(reporting), row.MissingJurisdictions);
        }
    }

    [Fact]
    public async Task Running_a_node_again_on_unchanged_data_gets_the_same_receipts_and_counts_once()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS"));

        var first = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
        var second = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.All(second.Published, p => Assert.True(p.Reused));
        Assert.Equal(first.Published.Select(p => p.Receipt), second.Published.Select(p => p.Receipt));
        Assert.All(second.Published, p => Assert.Equal(1, p.Receipt.Revision));
    }

    [Fact]
    public async Task Changed_case_records_between_editions_are_held_and_the_release_already_accepted_is_re_sent()
    {
        // A year is revised only at a scheduled edition of the catalogue's calendar (the revision itself is tested with a
        // clock in PrivacyLedgerTests): the demo's first run releases every year at the edition due now, so a change
        // now is held until the next edition, spends nothing and sends what the gateway already holds.
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("PE"));
        var first = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
        var cases = configuration.Resolve((string)configuration.Sources[0].Options!["path"]!);
        var lines = await File.ReadAllLinesAsync(cases);
        const string victims = "trafficking.victims.v1";
        var lastYear = first.Pipeline.Submissions.Last(s => s.DatasetId == victims).ReferenceYear;
        // Ten more victims identified on 1 July of the last year: the grid values move.
        var added = Enumerable.Range(0, 10).Select(i =>
            $"PE-ADDED-{i},Added Person {i},2000-01-01,{lastYear}-07-01,Feminine,SexualExploitation,NotIndigenous,CA,,IntimatePartner,ActualVictimOfTrafficking");
        await File.WriteAllLinesAsync(cases, lines.Concat(added));

        var second = await new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(
            Sdk.Privacy.ReleaseStatus.HeldUntilNextEdition,
            second.Datasets.Single(d => d.Dataset.Id == victims).Outlooks.Single(o => o.ReferenceYear == lastYear).Status);
        var held = second.Published.Single(p => p.Receipt.DatasetId == victims && p.Receipt.ReferenceYear == lastYear);
        Assert.True(held.Reused);
        Assert.Equal(
            first.Published.Single(p => p.Receipt.DatasetId == victims && p.Receipt.ReferenceYear == lastYear).Receipt.SubmissionId,
            held.Receipt.SubmissionId);
        Assert.All(second.Published, p => Assert.True(p.Reused));
    }
}
