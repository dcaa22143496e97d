using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>
/// trafficking.prosecutions.v1 at the gateway: described, validated, stored and answered by the same code as every
/// dataset (nothing in the gateway names it), and a release shaped for another dataset is refused naming the field.
/// </summary>
public sealed class ProsecutionsDatasetTests : IAsyncLifetime
{
    private static readonly DatasetDefinition s_dataset = DatasetCatalog.Default.Get("trafficking.prosecutions.v1");
    private static readonly int s_lastYear = DateTime.UtcNow.Year - 1;

    private GatewayFixture _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync();
        // Ontario's court cases of one fiscal year: 50 guilty and 10 of each other decision for each offence (400 in all).
        var offences = s_dataset.FindDimension("most_serious_offence")!.Codes;
        var decisions = s_dataset.FindDimension("decision")!.Codes;
        var cases = decisions.SelectMany(d => offences.Select(o => (
            (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["decision"] = d.Code, ["most_serious_offence"] = o.Code },
            d.Code == "GUILTY" ? 50L : 10L))).ToArray();
        var submission = TestSubmissions.Counting("ON", s_lastYear, cases, of: s_dataset);
        await _gateway.SubmitAsync(TestSubmissions.Sign(submission, _gateway.Federation.Node("ON")));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task The_catalogue_lists_both_datasets_and_describes_the_court_one_by_fiscal_year()
    {
        var datasets = await _gateway.Catalog.ListDatasetsAsync(new ListDatasetsRequest());
        var court = (await _gateway.Catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = s_dataset.Id })).Dataset;

        Assert.Equal(["trafficking.prosecutions.v1", "trafficking.victims.v1"], datasets.Datasets.Select(d => d.Id).Order());
        Assert.Equal(("fiscal-year", "one completed court case"), (court.PeriodType, court.UnitOfPrivacy));
        Assert.Equal("2023/24", court.YearLabel(2023));
        Assert.Equal(["T0", "T1", "T2", "T3", "T4", "T5"], court.Tables.Select(t => t.Id));
    }

    [Fact]
    public async Task A_court_release_is_answered_by_decision()
    {
        var answer = await _gateway.QueryAsync(new QueryRequest { DatasetId = s_dataset.Id, GroupBy = { "decision" }, Years = { s_lastYear } });

        Assert.Equal(
            ["GUILTY 250", "STAYED_WITHDRAWN 50", "ACQUITTED 50", "OTHER 50"],
            answer.Rows.Select(r => $"{r.Codes.Single()} {r.Value}"));
        Assert.All(answer.Rows, r => Assert.Equal(["ON"], r.ContributingJurisdictions));
    }

    [Fact]
    public async Task A_court_release_carrying_the_victims_codes_is_refused_naming_the_table()
    {
        var submission = TestSubmissions.Complete("QC", s_lastYear, (_, _) => 1, of: s_dataset);
        submission.Tables[1].Cells[0].Codes[0] = "WOMAN_GIRL";

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.tables[1]", () =>
            _gateway.SubmitAsync(TestSubmissions.Sign(submission, _gateway.Federation.Node("QC"))));
    }

    [Fact]
    public async Task A_victims_release_sent_as_the_court_dataset_is_refused()
    {
        var submission = TestSubmissions.Complete("QC", s_lastYear, (_, _) => 1);
        submission.DatasetId = s_dataset.Id;

        var refusal = await Assert.ThrowsAsync<RpcException>(() => _gateway.SubmitAsync(TestSubmissions.Sign(submission, _gateway.Federation.Node("QC"))));

        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
        var answer = await _gateway.QueryAsync(new QueryRequest { DatasetId = s_dataset.Id, Years = { s_lastYear } });
        Assert.Equal(["ON"], Assert.Single(answer.Rows).ContributingJurisdictions);
    }
}
