using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Grpc.Core;

namespace Federation.Gateway.Tests;

public sealed class QueryTests
{
    private const string DatasetId = "trafficking.victims.v1";
    private static readonly int Year = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task National_totals_add_up_the_reporting_jurisdictions_and_name_the_missing_ones()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "ON", Year, total: 300);
        await SubmitAsync(gateway, "NS", Year, total: 35);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId });

        Assert.Equal("T0", response.TableId);
        var row = Assert.Single(response.Rows);
        Assert.Equal(Year, row.ReferenceYear);
        Assert.Equal(335, row.Value);
        Assert.Equal(CellStatus.Available, row.Status);
        Assert.Equal(["NS", "ON"], row.ContributingJurisdictions);
        Assert.Equal(Jurisdiction.All.Except(["NS", "ON"]), row.MissingJurisdictions);
    }

    [Fact]
    public async Task An_answer_asked_again_follows_every_release_accepted_in_between()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "ON", Year, total: 300);
        var request = new QueryRequest { DatasetId = DatasetId, ByJurisdiction = true, Publication = true };

        var first = await gateway.QueryAsync(request);
        var again = await gateway.QueryAsync(request);
        await SubmitAsync(gateway, "NS", Year, total: 35);
        var after = await gateway.QueryAsync(request);

        Assert.Equal(first, again);
        Assert.Equal(first.TreeSize + 1, after.TreeSize);
        Assert.Equal(300, Assert.Single(after.Rows, r => r.Jurisdiction == "ON").Value);
        Assert.Equal(35, Assert.Single(after.Rows, r => r.Jurisdiction == "NS").Value);
        Assert.Equal(CellStatus.NotAvailable, Assert.Single(first.Rows, r => r.Jurisdiction == "NS").Status);
    }

    [Fact]
    public async Task Grouping_by_gender_is_answered_from_the_smallest_covering_table()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var groups = Groups("gender", "age_group");
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Counting("ON", Year, groups), gateway.Federation.Node("ON")));

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender" } });

        // gender is in T1 (20 cells) and T3 (24 cells): T1 has fewer cells to add up.
        Assert.Equal("T1", response.TableId);
        Assert.Equal(["WOMAN_GIRL", "MAN_BOY", "GENDER_DIVERSE", "UNKNOWN"], response.Rows.Select(r => r.Codes.Single()));
        foreach (var row in response.Rows)
        {
            // Noise-free tables agree, so the least-squares estimate from all of them is the count itself.
            var expected = groups.Where(g => g.Codes["gender"] == row.Codes[0]).Sum(g => g.Count);
            Assert.Equal(expected, row.Value);
            Assert.Equal(expected, row.Estimate, 1e-6);
        }
    }

    [Fact]
    public async Task Grouping_by_indigenous_identity_uses_the_only_table_that_has_it()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "MB", Year, total: 40);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "indigenous_identity" } });

        Assert.Equal("T3", response.TableId);
        Assert.Equal(6, response.Rows.Count);
    }

    [Fact]
    public async Task Filters_keep_only_the_named_codes_and_choose_a_table_covering_them()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var groups = Groups("exploitation_type", "age_group");
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Counting("ON", Year, groups), gateway.Federation.Node("ON")));

        var response = await gateway.QueryAsync(new QueryRequest
        {
            DatasetId = DatasetId,
            GroupBy = { "age_group" },
            Filters = { new DimensionFilter { DimensionId = "exploitation_type", Codes = { "SEXUAL_EXPLOITATION", "FORCED_LABOUR" } } },
        });

        Assert.Equal("T2", response.TableId);
        var under18 = response.Rows.Single(r => r.Codes[0] == "UNDER_18");
        var expected = groups
            .Where(g => g.Codes["age_group"] == "UNDER_18" && g.Codes["exploitation_type"] is "SEXUAL_EXPLOITATION" or "FORCED_LABOUR")
            .Sum(g => g.Count);
        Assert.Equal(expected, under18.Value);
    }

    [Fact]
    public async Task Per_jurisdiction_rows_mark_jurisdictions_that_have_not_reported_as_not_available()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "ON", Year, total: 300);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, ByJurisdiction = true, Jurisdictions = { "ON", "YT" } });

        Assert.Equal(2, response.Rows.Count);
        var on = response.Rows.Single(r => r.Jurisdiction == "ON");
        var yt = response.Rows.Single(r => r.Jurisdiction == "YT");
        Assert.Equal((300, CellStatus.Available), (on.Value, on.Status));
        Assert.Equal(CellStatus.NotAvailable, yt.Status);
        Assert.Equal(["YT"], yt.MissingJurisdictions);
    }

    [Fact]
    public async Task A_year_filter_answers_only_those_years_and_a_year_nobody_reported_is_not_available()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "ON", Year, total: 300);
        await SubmitAsync(gateway, "ON", Year - 1, total: 250);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Years = { Year - 1, Year - 5 } });

        Assert.Equal([Year - 5, Year - 1], response.Rows.Select(r => r.ReferenceYear));
        Assert.Equal(CellStatus.NotAvailable, response.Rows[0].Status);
        Assert.Equal(250, response.Rows[1].Value);
    }

    [Fact]
    public async Task Jurisdiction_filter_limits_national_sums()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await SubmitAsync(gateway, "ON", Year, total: 300);
        await SubmitAsync(gateway, "NS", Year, total: 35);

        var response = await gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Jurisdictions = { "NS" } });

        var row = Assert.Single(response.Rows);
        Assert.Equal(35, row.Value);
        Assert.Empty(row.MissingJurisdictions);
    }

    [Fact]
    public async Task A_query_no_table_covers_is_refused_with_the_list_of_tables()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "group_by", () =>
            gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender", "exploitation_type" } }));

        foreach (var table in TestSubmissions.Dataset.Tables)
        {
            Assert.Contains(table.Id, refusal.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("group_by[0]", "colour", null)]
    [InlineData("filters[0].codes[0]", null, "FEMALE")]
    public async Task Unknown_dimensions_and_codes_are_refused(string field, string? groupBy, string? code)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var request = new QueryRequest { DatasetId = DatasetId };
        if (groupBy is not null)
        {
            request.GroupBy.Add(groupBy);
        }

        if (code is not null)
        {
            request.Filters.Add(new DimensionFilter { DimensionId = "gender", Codes = { code } });
        }

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, field, () => gateway.QueryAsync(request));
    }

    [Fact]
    public async Task An_unknown_dataset_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "dataset_id", () =>
            gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v0" }));
    }

    [Fact]
    public async Task An_unknown_jurisdiction_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "jurisdictions[0]", () =>
            gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Jurisdictions = { "XX" } }));
    }

    // A distinct multiple of 5 per cell, so sums reveal which cells were added.
    // People in every code combination of two dimensions, 5 to 35 of each (the other dimensions: their first code).
    private static (IReadOnlyDictionary<string, string> Codes, long Count)[] Groups(string first, string second)
    {
        var a = TestSubmissions.Dataset.FindDimension(first)!;
        var b = TestSubmissions.Dataset.FindDimension(second)!;
        return a.Codes.SelectMany((x, i) => b.Codes.Select((y, j) =>
            ((IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [first] = x.Code, [second] = y.Code }, 5L * (1 + (((3 * i) + j) % 7)))))
            .ToArray();
    }

    private static Task<Receipt> SubmitAsync(GatewayFixture gateway, string jurisdiction, int year, long total) =>
        gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete(jurisdiction, year, total), gateway.Federation.Node(jurisdiction)));
}
