using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Tests.ServiceDirectory;

public sealed class DirectoryValidatorTests
{
    private readonly DirectoryValidator _validator = new(new FixedTimeProvider(TestDirectory.Now));

    [Fact]
    public void A_well_formed_snapshot_has_no_violations() =>
        Assert.Empty(_validator.Validate(TestDirectory.Release(TestDirectory.Snapshot())));

    public static TheoryData<string, Action<DirectorySnapshot>, string> BadSnapshots => new()
    {
        { "available above maximum", s => s.Services[0].Capacities[0].Available = 13, "release.snapshot.services[0].capacities[0].available" },
        { "negative available", s => s.Services[0].Capacities[0].Available = -1, "release.snapshot.services[0].capacities[0].available" },
        { "zero maximum", s => s.Services[0].Capacities[0].Maximum = 0, "release.snapshot.services[0].capacities[0].maximum" },
        { "no unit", s => s.Services[0].Capacities[0].Unit = CapacityUnit.Unspecified, "release.snapshot.services[0].capacities[0].unit" },
        { "count in the future", s => s.Services[0].Capacities[0].Updated = Timestamp.FromDateTimeOffset(TestDirectory.Now.AddHours(1)), "release.snapshot.services[0].capacities[0].updated" },
        { "count without a time", s => s.Services[0].Capacities[0].Updated = null, "release.snapshot.services[0].capacities[0].updated" },
        { "unknown language", s => s.Services[0].Languages.Add(new Language { Code = "xx" }), "release.snapshot.services[0].languages[2].code" },
        { "language in upper case", s => s.Services[0].Languages.Add(new Language { Code = "FR" }), "release.snapshot.services[0].languages[2].code" },
        { "age range inverted", s => { s.Services[0].Eligibility.MinimumAge = 30; s.Services[0].Eligibility.MaximumAge = 20; }, "release.snapshot.services[0].eligibility.maximum_age" },
        { "age over 120", s => s.Services[0].Eligibility.MaximumAge = 130, "release.snapshot.services[0].eligibility.maximum_age" },
        { "negative age", s => s.Services[0].Eligibility.MinimumAge = -1, "release.snapshot.services[0].eligibility.minimum_age" },
        { "adults only yet accepts minors", s => s.Services[0].Eligibility.MinimumAge = 18, "release.snapshot.services[0].eligibility.accepts_minors" },
        { "youth only yet no minors", s => { s.Services[0].Eligibility.MaximumAge = 17; s.Services[0].Eligibility.AcceptsMinors = false; }, "release.snapshot.services[0].eligibility.accepts_minors" },
        { "no service type", s => s.Services[1].ServiceTypes.Clear(), "release.snapshot.services[1].service_types" },
        { "unknown service type", s => s.Services[1].ServiceTypes.Add((ServiceType)99), "release.snapshot.services[1].service_types[1]" },
        { "unknown organization", s => s.Services[1].OrganizationId = "org-x", "release.snapshot.services[1].organization_id" },
        { "duplicate service id", s => s.Services[1].Id = "shelter-1", "release.snapshot.services[1].id" },
        { "phone that is not a number", s => s.Services[0].Phone = "\"+44 1234 234567\"", "release.snapshot.services[0].phone" },
        { "shelter at a physical location", s => s.ServiceAtLocations[0].LocationId = "loc-office", "release.snapshot.service_at_locations[0].location_id" },
        { "redacted area with a postal code", s => s.Locations[0].Redacted.ServiceArea = "Halifax B3H 2Y9", "release.snapshot.locations[0].redacted.service_area" },
        { "redacted area with a street address", s => s.Locations[0].Redacted.ServiceArea = "1234 Barrington Street", "release.snapshot.locations[0].redacted.service_area" },
        { "redacted area with a French street address", s => s.Locations[0].Redacted.ServiceArea = "455, rue Sainte-Catherine", "release.snapshot.locations[0].redacted.service_area" },
        { "redacted area with coordinates", s => s.Locations[0].Redacted.ServiceArea = "44.6488, -63.5752", "release.snapshot.locations[0].redacted.service_area" },
        { "redacted location named by its street", s => s.Locations[0].Name = "House at 12 Oak Drive", "release.snapshot.locations[0].name" },
        { "redacted location without area", s => s.Locations[0].Redacted.ServiceArea = string.Empty, "release.snapshot.locations[0].redacted.service_area" },
        { "coordinates outside Canada", s => s.Locations[1].Physical.Latitude = 100, "release.snapshot.locations[1].physical.latitude" },
        { "latitude without longitude", s => s.Locations[1].Physical.ClearLongitude(), "release.snapshot.locations[1].physical.longitude" },
        { "address in another province", s => s.Locations[1].Physical.Province = "ON", "release.snapshot.locations[1].physical.province" },
        { "malformed postal code", s => s.Locations[1].Physical.PostalCode = "ABC 1234", "release.snapshot.locations[1].physical.postal_code" },
        { "location of no kind", s => s.Locations[1].ClearKind(), "release.snapshot.locations[1].kind" },
        { "link to a missing service", s => s.ServiceAtLocations[1].ServiceId = "nope", "release.snapshot.service_at_locations[1].service_id" },
        { "shelter named by its street", s => s.Services[0].Name = "Shelter at 12 Oak Drive", "release.snapshot.services[0].name" },
        { "shelter description with a postal code", s => s.Services[0].Description = "Ring the bell at the back door, B3H 2Y9.", "release.snapshot.services[0].description" },
        { "shelter url with a postal code", s => s.Services[0].Url = "https://example.ca/find?near=B3H2Y9", "release.snapshot.services[0].url" },
        { "shelter url with coordinates", s => s.Services[0].Url = "https://maps.example.ca/?q=44.6488,-63.5752", "release.snapshot.services[0].url" },
        { "shelter operator's description with an address", s => s.Organizations[0].Description = "Our house is at 455, rue Sainte-Catherine.", "release.snapshot.organizations[0].description" },
        { "shelter operator's name with an address", s => s.Organizations[0].Name = "1234 Barrington Street Society", "release.snapshot.organizations[0].name" },
    };

    [Fact]
    public void A_service_that_is_not_residential_may_give_its_address_in_free_text()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.Services[1].Description = "Walk in at 1 Spring Garden Road, Halifax B3J 1A1.";

        Assert.Empty(_validator.Validate(TestDirectory.Release(snapshot)));
    }

    [Theory]
    [MemberData(nameof(BadSnapshots))]
    public void A_snapshot_breaking_a_rule_is_refused_naming_the_field(string rule, Action<DirectorySnapshot> breakIt, string field)
    {
        var snapshot = TestDirectory.Snapshot();
        breakIt(snapshot);

        var violations = _validator.Validate(TestDirectory.Release(snapshot));

        Assert.True(violations.Any(v => v.Field == field), $"{rule}: expected a violation at {field}, got: {string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"))}");
    }

    [Fact]
    public void A_capacity_update_needs_readings_and_each_reading_is_checked()
    {
        var empty = new DirectoryRelease { Jurisdiction = "NS", NodeId = "n", ProducedAt = Timestamp.FromDateTimeOffset(TestDirectory.Now), CapacityUpdate = new CapacityUpdate() };
        Assert.Contains(_validator.Validate(empty), v => v.Field == "release.capacity_update.readings");

        var bad = empty.Clone();
        bad.CapacityUpdate.Readings.Add(new CapacityReading { ServiceId = "shelter-1", Capacity = TestDirectory.Beds(20, 12) });
        Assert.Contains(_validator.Validate(bad), v => v.Field == "release.capacity_update.readings[0].capacity.available");
    }

    [Fact]
    public void A_release_for_an_unknown_jurisdiction_or_without_content_is_refused()
    {
        var release = TestDirectory.Release(TestDirectory.Snapshot(), jurisdiction: "XX");
        release.ClearContent();

        var violations = _validator.Validate(release);

        Assert.Contains(violations, v => v.Field == "release.jurisdiction");
        Assert.Contains(violations, v => v.Field == "release.content");
    }

    [Theory]
    [InlineData("Halifax", false)]
    [InlineData("Trois-Rivières", false)]
    [InlineData("Region 9 North", false)]
    [InlineData("Peel Region", false)]
    [InlineData("H2X 1Y4", true)]
    [InlineData("12 Main St", true)]
    [InlineData("1200, boulevard René-Lévesque", true)]
    public void An_area_is_told_from_an_address(string text, bool looksLikeAddress) =>
        Assert.Equal(looksLikeAddress, DirectoryValidator.LooksLikeAddress(text));
}
