using Federation.Contracts.V1;

namespace Federation.Gateway.Tests;

/// <summary>Every answer carries its variance and 95% margin, comes from the least-variance table, and has a publication view.</summary>
public sealed class QueryMarginTests
{
    private const string DatasetId = "trafficking.victims.v1";
    private static readonly int Year = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task National_total_adds_the_jurisdictions_noise_variances_and_comes_from_the_total_table()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        foreach (var jurisdiction in new[] { "ON", "NS", "QC" })
        {
            await Submit(gateway, jurisdiction, total: 100, cell: 5);
        }

        var row = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId })).Rows);

        // T0 has noise variance 4 per jurisdiction: 3 x 4 = 12; the margin is the exact integer 95% quantile of the
        // sum of three discrete Gaussians (7; the normal approximation would say 6.79, which covers less than 95%).
        Assert.Equal(12, row.Variance);
        Assert.Equal(7, row.Margin);
    }

    [Fact]
    public async Task A_group_is_answered_from_the_table_whose_summed_cells_have_the_least_variance()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await Submit(gateway, "ON", total: 100, cell: 5);

        var response = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "age_group" },
            Filters = { new DimensionFilter { DimensionId = "gender", Codes = { "WOMAN_GIRL" } } },
        });

        // age_group with gender=WOMAN_GIRL: T1 sums 1 cell per group (variance 20); T2, T5 would sum 8 or 6 cells.
        Assert.Equal("T1", response.TableId);
        Assert.All(response.Rows, r => Assert.Equal(20, r.Variance));
    }

    [Fact]
    public async Task Publication_view_gives_non_negative_integers_that_add_up_nationally_and_across_jurisdictions()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await Submit(gateway, "ON", total: 40, cell: 3);
        await Submit(gateway, "PE", total: 1, cell: -2);
        await Submit(gateway, "YT", total: 0, cell: 1);

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
        // The gender rows share out the national total (T0, 41), the same total every breakdown adds up to.
        Assert.Equal(41, national.Rows.Sum(r => r.Value));
        Assert.Equal(41, total.Value);
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
        Assert.Equal(49, national.Value);
        foreach (var (jurisdiction, total) in reported)
        {
            var genders = byGender.Rows.Where(r => r.Jurisdiction == jurisdiction).ToArray();
            Assert.Equal(4, genders.Length);
            Assert.All(genders, r => Assert.True(r.Value >= 0));
            Assert.Equal(total, genders.Sum(r => r.Value));
        }

        // Asked alone, PE's breakdown by age still adds up to the total it has in the full table.
        Assert.Equal(reported["PE"], byAge.Rows.Sum(r => r.Value));
        Assert.Equal(40, reported["ON"]);
    }

    [Fact]
    public async Task Small_noisy_cells_are_flagged_too_unreliable()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await Submit(gateway, "PE", total: 3, cell: 1);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender", "age_group" } });

        Assert.All(response.Rows, r => Assert.Equal(CellStatus.TooUnreliable, r.Status));
        // One cell of variance 20: the exact integer 95% margin is 9 (the normal approximation, 8.77, covers only P(|noise| <= 8)).
        Assert.All(response.Rows, r => Assert.Equal(9, r.Margin));
    }

    private static Task<Receipt> Submit(GatewayFixture gateway, string jurisdiction, long total, long cell) =>
        gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete(jurisdiction, Year, total, cell), gateway.Federation.Node(jurisdiction)));
}
