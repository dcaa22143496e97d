using System.Text.Json.Nodes;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Privacy;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// A dataset is data: test.hotline-calls.v1 is defined only in tests/testdata/catalog (no code names it) and goes from
/// a CSV source through a node and the gateway to a query answer and a leaf of the transparency log.
/// </summary>
public sealed class DatasetAsDataTests
{
    private const string DatasetId = "test.hotline-calls.v1";

    private static readonly string s_catalog = Path.Combine(AppContext.BaseDirectory, "catalog");

    [Fact]
    public async Task A_dataset_defined_only_in_a_catalogue_file_goes_from_csv_through_node_and_gateway_to_a_query_answer_and_a_log_leaf()
    {
        await using var fixture = await DemoFederationFixture.StartAsync(gateway => gateway.Configuration["Gateway:CatalogDirectory"] = s_catalog);
        var path = fixture.Layout.NodeConfiguration("NS");
        await File.WriteAllLinesAsync(Path.Combine(Path.GetDirectoryName(path)!, "calls.csv"),
        [
            "call_id,call_date,caller,minutes,topics,status",
            "K-1,2023-02-01,victim,5,labour,answered",
            "K-2,2023-03-11,Witness,25,labour;sex,answered",
            "K-3,2023-05-20,survivor,,sexual,answered",
            "K-4,2023-07-02,professional,12,,answered",
            "K-5,2023-08-15,victim,3,labour,abandoned",
            "K-6,2023-09-30,neighbour,8,labour,answered",
            "K-7,2022-12-31,victim,8,labour,answered",
        ]);
        var configuration = NodeConfiguration.Load(path);
        configuration.CatalogDirectory = s_catalog;
        configuration.Datasets =
        [
            new()
            {
                DatasetId = DatasetId,
                ReferenceYears = [2023],
                Sources = [new() { Name = "calls", Adapter = "csv", Options = new JsonObject { ["path"] = "calls.csv" } }],
            },
        ];
        configuration.Save(path);

        var report = await new NodeRunner(NodeConfiguration.Load(path), TimeProvider.System).RunAsync(CancellationToken.None);

        var calls = report.Datasets.Single(d => d.Dataset.Id == DatasetId).Pipeline;
        Assert.Equal((7, 4, 2), (calls.RecordsRead, calls.RecordsAccepted, calls.RecordsOutOfScope));
        var quarantined = Assert.Single(calls.Quarantined);
        Assert.Equal(("calls", "K-6"), (quarantined.Source, quarantined.CaseId));
        Assert.StartsWith("Caller is not a known value (expected one of victim, survivor, witness, professional)", quarantined.Reason, StringComparison.Ordinal);
        var submission = Assert.Single(calls.Submissions);
        Assert.Equal((DatasetId, 2023), (submission.DatasetId, submission.ReferenceYear));
        var published = report.Published.Single(p => p.Receipt.DatasetId == DatasetId);

        using var channel = GatewayChannel.Create(fixture.Address, FederationTrust.FromPemFile(fixture.Layout.RootCertificate), tokens: fixture.Analyst);
        var answer = await new QueryService.QueryServiceClient(channel).QueryAsync(
            new QueryRequest { DatasetId = DatasetId, GroupBy = { "caller" } }, deadline: DateTime.UtcNow.AddSeconds(30));
        // Each figure is the least-squares estimate from every table the node released, recomputed here from the release.
        var fit = ReleaseFit.Of(
            DatasetCatalog.WithDocumentsIn(s_catalog).Get(DatasetId),
            submission.Tables.SelectMany(t => t.Cells.Select(c => (t.TableId, (IReadOnlyList<string>)c.Codes, c.Value))))!;
        Assert.Equal(["THIRD_PARTY", "VICTIM"], answer.Rows.Select(r => r.Codes.Single()).Order());
        Assert.All(answer.Rows, row =>
        {
            Assert.Equal(2023, row.ReferenceYear);
            Assert.Equal(["NS"], row.ContributingJurisdictions);
            var expected = fit.Estimate(new Dictionary<string, string> { ["caller"] = row.Codes[0] })!.Value;
            Assert.Equal(expected, row.Estimate, 6);
            Assert.Equal((long)Math.Round(expected, MidpointRounding.AwayFromZero), row.Value);
        });

        var leaf = Assert.Single((await new TransparencyLogService.TransparencyLogServiceClient(channel).GetEntriesAsync(
            new GetEntriesRequest { Start = published.Receipt.LeafIndex, End = published.Receipt.LeafIndex + 1 }, deadline: DateTime.UtcNow.AddSeconds(30))).Entries);
        Assert.Equal(published.Receipt.SubmissionId, leaf.SubmissionId);
        Assert.Equal(DatasetId, Submission.Parser.ParseFrom(SignedEnvelope.Parser.ParseFrom(leaf.Entry).Submission).DatasetId);
    }
}
