using Federation.Contracts.V1;

namespace Federation.Gateway.Tests;

public sealed class SafeHousingCoverageTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task Victims_identified_sit_next_to_beds_and_the_share_of_time_they_were_full()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear, total: 300), gateway.Federation.Node("ON")));
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)));
        var start = new DateTimeOffset(LastYear, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var july = new DateTimeOffset(LastYear, 7, 2, 0, 0, 0, TimeSpan.Zero);
        // Shelter A full from New Year's Day to 2 July, then with room (12 beds); B with room all year (10 beds); C full
        // all year (8 beds); counselling D counts no beds.
        await gateway.PublishAsync(TestDirectories.Update(
            "ON",
            ("A", TestDirectories.Beds(0, 10, start)),
            ("A", TestDirectories.Beds(4, 12, july)),
            ("B", TestDirectories.Beds(2, 10, start)),
            ("C", TestDirectories.Beds(0, 8, start))));

        var response = await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { LastYear }, Jurisdictions = { "ON" } });

        var row = response.Rows.Single(r => r.Jurisdiction == "ON");
        Assert.Equal((300L, CellStatus.Available), (row.VictimsIdentified.Value, row.VictimsIdentified.Status));
        Assert.Equal((30, 3, false), (row.Beds, row.ServicesObserved, row.Withheld));
        var yearDays = (start.AddYears(1) - start).TotalDays;
        Assert.Equal(Math.Round(((july - start).TotalDays + yearDays) / (3 * yearDays), 2), row.ShareOfTimeFull, 9);
        Assert.Equal(Math.Round(3 * yearDays), row.ObservedServiceDays, 6);
        var national = response.Rows.Single(r => r.Jurisdiction.Length == 0);
        Assert.Equal((300L, 30), (national.VictimsIdentified.Value, national.Beds));
        Assert.Equal((false, 3, 5), (response.Disclosure.Exact, response.Disclosure.MinimumServices, response.Disclosure.Band));
    }

    [Fact]
    public async Task A_jurisdiction_year_with_fewer_safe_houses_than_the_minimum_is_withheld_and_beds_are_banded()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)));
        var start = new DateTimeOffset(LastYear, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // Two observed shelters: their beds and time full would be those of two identifiable houses.
        await gateway.PublishAsync(TestDirectories.Update("ON", ("A", TestDirectories.Beds(0, 4, start)), ("B", TestDirectories.Beds(1, 3, start))));
        var response = await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { LastYear }, Jurisdictions = { "ON" } });

        foreach (var row in response.Rows)
        {
            Assert.Equal((true, 2, 0, 0.0, 0.0), (row.Withheld, row.ServicesObserved, row.Beds, row.ShareOfTimeFull, row.ObservedServiceDays));
        }

        // A third shelter makes the figure publishable, rounded to the band: 4 + 3 + 6 = 13 beds show as 15.
        await gateway.PublishAsync(TestDirectories.Update("ON", ("C", TestDirectories.Beds(6, 6, start))));
        var published = (await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { LastYear }, Jurisdictions = { "ON" } }))
            .Rows.Single(r => r.Jurisdiction == "ON");
        Assert.Equal((false, 3, 15), (published.Withheld, published.ServicesObserved, published.Beds));
    }

    [Fact]
    public async Task A_year_without_statistics_or_capacity_counts_says_so()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var response = await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { LastYear }, Jurisdictions = { "NS" } });

        var row = response.Rows.Single(r => r.Jurisdiction == "NS");
        Assert.Equal(CellStatus.NotAvailable, row.VictimsIdentified.Status);
        Assert.Equal((0, 0.0, 0), (row.Beds, row.ObservedServiceDays, row.ServicesObserved));
    }

    [Fact]
    public async Task A_coverage_request_for_an_unknown_dataset_is_refused() =>
        await RefusalAssert.RefusedAsync(Grpc.Core.StatusCode.InvalidArgument, "dataset_id", async () =>
        {
            await using var gateway = await GatewayFixture.StartAsync();
            await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { DatasetId = "nope" });
        });
}
