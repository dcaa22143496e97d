using Federation.Contracts.V1;
using Federation.Gateway.Query;
using Federation.Sdk.Privacy;

namespace Federation.Gateway.Tests;

/// <summary>
/// Every answer carries the least-squares estimate from all the tables of each release, its exact variance and 95%
/// margin, and has a publication view.
/// </summary>
public sealed class QueryMarginTests
{
    private const string DatasetId = "trafficking.victims.v1";
    private static readonly int Year = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task National_total_adds_the_jurisdictions_least_squares_variances_each_below_the_total_tables_own()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        foreach (var jurisdiction in new[] { "ON", "NS", "QC" })
        {
            await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete(jurisdiction, Year, total: 100), gateway.Federation.Node(jurisdiction)));
        }

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId });
        var row = Assert.Single(response.Rows);

        // T0 alone has variance 4 per jurisdiction; the sums of T1-T5 measure the total too, and GLS combines them all.
        var total = Estimator().Cell(new Dictionary<string, IReadOnlyCollection<string>>(), out _)!;
        Assert.InRange(total.Variance, 3, 3.99);
        Assert.Equal(3 * total.Variance, row.Variance, 1e-9);
        Assert.Equal(Reliability.Margin(row.Variance), row.Margin);
        // Noise-free tables agree: the estimate is the count.
        Assert.Equal((300, 300.0), (row.Value, Math.Round(row.Estimate, 9)));
        Assert.Equal("T0", response.TableId);
    }

    [Fact]
    public async Task A_group_measured_in_one_table_is_estimated_with_the_others_margins_below_that_tables_variance()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", Year, total: 100), gateway.Federation.Node("ON")));

        var response = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "age_group" },
            Filters = { new DimensionFilter { DimensionId = "gender", Codes = { "WOMAN_GIRL" } } },
        });

        // age_group with gender=WOMAN_GIRL: one cell of T1 per group (variance 20), sharpened by T2, T3 and T5's margins.
        Assert.Equal("T1", response.TableId);
        foreach (var row in response.Rows)
        {
            var cell = Estimator().Cell(new Dictionary<string, IReadOnlyCollection<string>> { ["gender"] = ["WOMAN_GIRL"], ["age_group"] = [row.Codes[0]] }, out _)!;
            Assert.Equal(cell.Variance, row.Variance, 1e-9);
            Assert.InRange(row.Variance, 10, 19.99);
        }
    }

    [Fact]
    public async Task Publication_view_gives_non_negative_integers_that_add_up_nationally_and_across_jurisdictions()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await Submit(gateway, "ON", total: 40, cell: 3);
        await Submit(gateway, "PE", total: 1, cell: -2);
        await Submit(gateway, "YT", total: 0, cell: 1);
        var estimated = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId })).Rows);

        var national = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender" }, Publication = true });
        var total = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Publication = true })).Rows);
        var perJurisdiction = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "gender" },
            ByJurisdiction = true,
            Publication = true,
        });

        Assert.All(national.Rows.Concat(perJurisdiction.Rows), r => Assert.True(r.Value >= 0));
        // The gender rows share out the published national total (the estimated total, rounded), the same total every
        // breakdown adds up to.
        Assert.Equal(Math.Max(0, Math.Round(estimated.Estimate, MidpointRounding.AwayFromZero)), total.Value);
        Assert.Equal(total.Value, national.Rows.Sum(r => r.Value));
        foreach (var group in national.Rows)
        {
            var parts = perJurisdiction.Rows.Where(r => r.Codes[0] == group.Codes[0] && r.Status != CellStatus.NotAvailable);
            Assert.Equal(group.Value, parts.Sum(r => r.Value));
        }
    }

    [Fact]
    public async Task Publication_view_of_a_jurisdiction_adds_its_gender_breakdown_up_to_its_own_published_total()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        // Breakdowns that disagree with the totals, as noise makes them: ON's gender cells add up to 20 x 3 = 60 against
        // a total of 40; PE's to -8 against 2; YT's cells vary in sign around a total of 7.
        await Submit(gateway, "ON", total: 40, cell: 3);
        await Submit(gateway, "PE", total: 2, cell: -2);
        await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("YT", Year, (table, codes) => table.Dimensions.Count == 0 ? 7 : (codes[0].Length % 3) - 1),
            gateway.Federation.Node("YT")));

        var estimated = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId })).Rows);
        var totals = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, ByJurisdiction = true, Publication = true });
        var national = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Publication = true })).Rows);
        var byGender = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "gender" },
            ByJurisdiction = true,
            Publication = true,
        });
        var byAge = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "age_group" },
            Jurisdictions = { "PE" },
            ByJurisdiction = true,
            Publication = true,
        });

        var reported = totals.Rows.Where(r => r.Status != CellStatus.NotAvailable).ToDictionary(r => r.Jurisdiction, r => r.Value);
        Assert.Equal(["ON", "PE", "YT"], reported.Keys.Order());
        Assert.Equal(national.Value, reported.Values.Sum());
        Assert.Equal(Math.Max(0, Math.Round(estimated.Estimate, MidpointRounding.AwayFromZero)), national.Value);
        foreach (var (jurisdiction, total) in reported)
        {
            var genders = byGender.Rows.Where(r => r.Jurisdiction == jurisdiction).ToArray();
            Assert.Equal(4, genders.Length);
            Assert.All(genders, r => Assert.True(r.Value >= 0));
            Assert.Equal(total, genders.Sum(r => r.Value));
        }

        // Asked alone, PE's breakdown by age still adds up to the total it has in the full table.
        Assert.Equal(reported["PE"], byAge.Rows.Sum(r => r.Value));
    }

    [Fact]
    public async Task Small_noisy_cells_are_flagged_too_unreliable()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await Submit(gateway, "PE", total: 3, cell: 1);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender", "age_group" } });

        Assert.All(response.Rows, r => Assert.Equal(CellStatus.TooUnreliable, r.Status));
        // One cell of T1 (variance 20) combined with the other tables' margins: below 20, 1.96 standard deviations.
        Assert.All(response.Rows, r => Assert.InRange(r.Variance, 10, 19.99));
        Assert.All(response.Rows, r => Assert.Equal(1.959963984540054 * Math.Sqrt(r.Variance), r.Margin, 1e-9));
    }

    private static MarginalEstimator Estimator() =>
        MarginalEstimator.For(TestSubmissions.Dataset.Tables.Select(t => MeasuredTable.Of(t, TestSubmissions.Dataset.Protection)).ToArray());

    // A release whose tables disagree, as noise makes them: T0 holds the total, every other cell the same value.
    private static Task<Receipt> Submit(GatewayFixture gateway, string jurisdiction, long total, long cell) =>
        gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete(jurisdiction, Year, (table, _) => table.Dimensions.Count == 0 ? total : cell),
            gateway.Federation.Node(jurisdiction)));
}
