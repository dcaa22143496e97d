using Federation.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>
/// Exact per-facility capacity goes only to referral desks (federation.referral); an analyst (federation.query) sees it
/// aggregated by jurisdiction and sector, never a single safe house and never its counts over time.
/// </summary>
public sealed class CapacityDisclosureTests : IAsyncLifetime
{
    private GatewayFixture _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync();
        await _gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task An_analyst_finds_services_without_any_capacity()
    {
        var response = await _gateway.Directory().FindServicesAsync(new FindServicesRequest());

        Assert.Equal(5, response.Matches.Count);
        Assert.All(response.Matches, match =>
        {
            Assert.Empty(match.Service.Capacities);
            Assert.Equal((0, 0, Availability.Unspecified), (match.Available, match.Maximum, match.Availability));
            Assert.Null(match.CapacityUpdated);
        });
        Assert.False(response.Disclosure.Exact);

        // Not even through the order: the analyst's matches are by name, not ranked by availability as the referral desk's are.
        Assert.Equal(["A", "B", "C", "D", "E"], response.Matches.Select(m => m.Service.Id));
        var referral = await _gateway.ReferralDirectory().FindServicesAsync(new FindServicesRequest());
        Assert.Equal(["A", "B", "E", "D", "C"], referral.Matches.Select(m => m.Service.Id));
        Assert.Equal(3, referral.Matches[0].Available);
    }

    public static TheoryData<FindServicesRequest, string> CapacitySearches => new()
    {
        { new FindServicesRequest { AvailableNow = true }, "available_now" },
        { new FindServicesRequest { MaxCapacityAge = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, "max_capacity_age" },
    };

    [Theory]
    [MemberData(nameof(CapacitySearches))]
    public async Task An_analyst_searching_by_capacity_is_refused_naming_the_referral_scope(FindServicesRequest request, string field)
    {
        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, field, async () => await _gateway.Directory().FindServicesAsync(request));

        Assert.Contains("federation.referral", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_cannot_watch_capacity_and_is_told_the_scope_it_needs()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var refusal = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var watch = _gateway.Directory().WatchCapacity(new WatchCapacityRequest { SendCurrent = true }, cancellationToken: timeout.Token);
            await watch.ResponseStream.MoveNext(timeout.Token);
        });

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("needs federation.referral", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analysts_capacity_summary_withholds_rows_of_too_few_services_and_bands_the_rest()
    {
        var summary = await _gateway.Directory().CapacitySummaryAsync(new CapacitySummaryRequest());

        Assert.Equal((false, 3, 5), (summary.Disclosure.Exact, summary.Disclosure.MinimumServices, summary.Disclosure.Band));

        // Three shelters (3/10, 5/10, 0/8 beds: 8 of 28 available): published, rounded to the band of 5.
        var shelters = summary.Rows.Single(r => r.Jurisdiction == "ON" && r.ServiceType == ServiceType.EmergencyShelter);
        Assert.Equal((3, 10, 30, 1, false), (shelters.Services, shelters.Available, shelters.Maximum, shelters.ServicesFull, shelters.Withheld));
        Assert.Equal(0.33, shelters.ShareFull, 9);
        Assert.Equal(0.71, shelters.Occupancy, 9);
        Assert.Equal(0, shelters.NewestUpdate.ToDateTimeOffset().Ticks % TimeSpan.TicksPerHour);

        // One transitional house (2/6 beds): that house's own figures, withheld in its jurisdiction's row and nationally.
        foreach (var house in summary.Rows.Where(r => r.ServiceType == ServiceType.TransitionalHousing))
        {
            Assert.Equal((1, true, 0, 0, 0.0, 0.0), (house.Services, house.Withheld, house.Available, house.Maximum, house.Occupancy, house.ShareFull));
            Assert.Null(house.NewestUpdate);
        }

        // The referral desk sees the same rows exact.
        var exact = await _gateway.ReferralDirectory().CapacitySummaryAsync(new CapacitySummaryRequest());
        var exactHouse = exact.Rows.Single(r => r.Jurisdiction == "ON" && r.ServiceType == ServiceType.TransitionalHousing);
        Assert.Equal((2, 6, false), (exactHouse.Available, exactHouse.Maximum, exactHouse.Withheld));
        Assert.True(exact.Disclosure.Exact);
    }

    [Fact]
    public async Task A_single_house_cannot_be_isolated_by_asking_for_its_jurisdiction_and_sector_only()
    {
        // Narrowing the request to the house's jurisdiction and sector still gives rows of one service: withheld.
        var summary = await _gateway.Directory().CapacitySummaryAsync(new CapacitySummaryRequest
        {
            Jurisdictions = { "ON" },
            ServiceTypes = { ServiceType.TransitionalHousing },
        });

        Assert.NotEmpty(summary.Rows);
        Assert.All(summary.Rows, row => Assert.Equal((true, 0, 0), (row.Withheld, row.Available, row.Maximum)));
    }

    [Fact]
    public async Task A_referral_token_cannot_query_statistics_or_coverage()
    {
        var directory = _gateway.ReferralDirectory();
        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await directory.SafeHousingCoverageAsync(new SafeHousingCoverageRequest()));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("needs federation.query", refusal.Status.Detail, StringComparison.Ordinal);
    }
}
