using Federation.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Gateway.Tests;

public sealed class DirectorySearchTests : IAsyncLifetime
{
    private GatewayFixture _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync();
        await _gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string, FindServicesRequest, string[]> Searches => new()
    {
        // Room first (freshest count first), then no data, then full.
        { "everything", new FindServicesRequest(), ["A", "B", "E", "D", "C"] },
        { "room now", new FindServicesRequest { AvailableNow = true }, ["A", "B", "E"] },
        { "counted within the hour", new FindServicesRequest { MaxCapacityAge = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, ["A", "C"] },
        { "room counted within the hour", new FindServicesRequest { AvailableNow = true, MaxCapacityAge = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, ["A"] },
        { "a man", new FindServicesRequest { Gender = ServedGender.Men }, ["B", "E", "D"] },
        { "a 16-year-old", new FindServicesRequest { Age = 16 }, ["A", "D", "C"] },
        { "a minor", new FindServicesRequest { Minor = true }, ["A", "D", "C"] },
        { "Indigenous-specific or -led", new FindServicesRequest { IndigenousSpecific = true }, ["D", "C"] },
        { "2SLGBTQI+", new FindServicesRequest { TwoSpiritLgbtqiPlus = true }, ["D"] },
        { "French, asked as fra", new FindServicesRequest { Language = "fra" }, ["A", "D"] },
        { "French, asked as fr", new FindServicesRequest { Language = "fr" }, ["A", "D"] },
        { "Cree", new FindServicesRequest { Language = "cr" }, ["C"] },
        { "area without accents", new FindServicesRequest { ServiceArea = "montreal" }, ["D"] },
        { "part of an area name", new FindServicesRequest { ServiceArea = "thunder" }, ["C"] },
        { "shelters", new FindServicesRequest { ServiceTypes = { ServiceType.EmergencyShelter } }, ["A", "B", "C"] },
        { "shelters or transitional housing with room", new FindServicesRequest { ServiceTypes = { ServiceType.EmergencyShelter, ServiceType.TransitionalHousing }, AvailableNow = true }, ["A", "B", "E"] },
        { "another jurisdiction", new FindServicesRequest { Jurisdictions = { "NS" } }, [] },
        { "a woman in Toronto with room", new FindServicesRequest { Gender = ServedGender.Women, ServiceArea = "Toronto", AvailableNow = true }, ["A", "E"] },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task Search_filters_and_orders_by_availability_then_freshness(string search, FindServicesRequest request, string[] expected)
    {
        var response = await _gateway.ReferralDirectory().FindServicesAsync(request);

        Assert.True(expected.SequenceEqual(response.Matches.Select(m => m.Service.Id)), $"{search}: got {string.Join(", ", response.Matches.Select(m => m.Service.Id))}");
        Assert.Equal(expected.Length, response.TotalMatches);
    }

    [Fact]
    public async Task A_match_carries_its_capacity_organization_and_only_the_area_of_a_confidential_location()
    {
        var response = await _gateway.ReferralDirectory().FindServicesAsync(new FindServicesRequest { PageSize = 2 });

        Assert.Equal(2, response.Matches.Count);
        Assert.Equal(5, response.TotalMatches);
        var shelter = response.Matches[0];
        Assert.Equal(("ON", Availability.Room, 3, 10), (shelter.Jurisdiction, shelter.Availability, shelter.Available, shelter.Maximum));
        Assert.Equal("Shelter network", shelter.Organization.Name);
        var location = Assert.Single(shelter.Locations);
        Assert.Equal("Toronto", location.Redacted.ServiceArea);
        Assert.NotNull(shelter.CapacityUpdated);
        Assert.True(response.Disclosure.Exact);
    }

    public static TheoryData<FindServicesRequest, string> BadSearches => new()
    {
        { new FindServicesRequest { Jurisdictions = { "ZZ" } }, "jurisdictions[0]" },
        { new FindServicesRequest { Language = "elvish" }, "language" },
        { new FindServicesRequest { Age = 200 }, "age" },
        { new FindServicesRequest { ServiceTypes = { (ServiceType)42 } }, "service_types[0]" },
        { new FindServicesRequest { PageSize = 5000 }, "page_size" },
        { new FindServicesRequest { MaxCapacityAge = Duration.FromTimeSpan(TimeSpan.FromMinutes(-5)) }, "max_capacity_age" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task A_bad_search_is_refused_naming_the_field(FindServicesRequest request, string field) =>
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, field, async () => await _gateway.ReferralDirectory().FindServicesAsync(request));

    [Fact]
    public async Task The_capacity_summary_gives_a_referral_desk_available_maximum_share_full_and_staleness_by_jurisdiction_and_sector()
    {
        var summary = await _gateway.ReferralDirectory().CapacitySummaryAsync(new CapacitySummaryRequest { StaleAfter = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });

        var shelters = summary.Rows.Single(r => r.Jurisdiction == "ON" && r.ServiceType == ServiceType.EmergencyShelter);
        Assert.Equal((CapacityUnit.Bed, 3, 8, 28, 1, 1), (shelters.Unit, shelters.Services, shelters.Available, shelters.Maximum, shelters.ServicesFull, shelters.ServicesStale));
        Assert.Equal(1.0 / 3, shelters.ShareFull, 6);
        Assert.Equal(1 - (8.0 / 28), shelters.Occupancy, 6);
        var national = summary.Rows.Single(r => r.Jurisdiction.Length == 0 && r.ServiceType == ServiceType.TransitionalHousing);
        Assert.Equal((1, 2, 6, 1), (national.Services, national.Available, national.Maximum, national.ServicesStale));
        Assert.Equal(["ON"], summary.ReportingJurisdictions);
        Assert.Equal(12, summary.MissingJurisdictions.Count);
        Assert.True(summary.Disclosure.Exact);
    }
}
