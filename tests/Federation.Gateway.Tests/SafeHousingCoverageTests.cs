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
        // Shelter A full from New Year's Day to 2 July, then with room (12 beds); counselling D counts no beds.
        await gateway.PublishAsync(TestDirectories.Update(
            "ON",
            ("A", TestDirectories.Beds(0, 10, start)),
            ("A", TestDirectories.Beds(4, 12, july))));

        var response = await gateway.Directory().SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Years = { LastYear }, Jurisdictions = { "ON" } });

        var row = response.Rows.Single(r => r.Jurisdiction == "ON");
        Assert.Equal((300L, CellStatus.Available), (row.VictimsIdentified.Value, row.VictimsIdentified.Status));
        Assert.Equal(12, row.Beds);
        Assert.Equal(1, row.ServicesObserved);
        var yearDays = (start.AddYears(1) - start).TotalDays;
        Assert.Equal((july - start).TotalDays / yearDays, row.ShareOfTimeFull, 9);
        Assert.Equal(yearDays, row.ObservedServiceDays, 6);
        var national = response.Rows.Single(r => r.Jurisdiction.Length == 0);
        Assert.Equal((300L, 12), (national.VictimsIdentified.Value, national.Beds));
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
