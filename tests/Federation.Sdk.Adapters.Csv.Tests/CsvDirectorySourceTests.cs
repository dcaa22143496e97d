using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Adapters.Csv.Tests;

public sealed class CsvDirectorySourceTests
{
    private const string Header =
        "service_id,organization_id,organization_name,service_name,service_types,phone,minimum_age,maximum_age,genders,accepts_minors,indigenous_specific," +
        "two_spirit_lgbtqi_plus,languages,service_areas,location_id,location_name,location_type,street_address,municipality,province,postal_code,latitude,longitude," +
        "capacity_id,capacity_unit,available,maximum,capacity_updated";

    private static readonly string s_updated = DateTimeOffset.UtcNow.AddHours(-2).ToString("O");

    [Fact]
    public async Task Rows_become_organizations_services_locations_and_capacity()
    {
        using var csv = TempCsv.With(Header + "\n" +
            $"S1,O1,Shelter Society,Emergency shelter,emergency_shelter;indigenous_led,1-902-555-0100,16,,women;gender_diverse,yes,yes,no,en;fr;mic,Halifax,L1,Safe house,redacted,,Halifax,NS,,,,beds,bed,3,12,{s_updated}\n" +
            "S2,O1,Shelter Society,Legal clinic,legal_aid,,,,,no,no,no,en,Halifax,L2,Office,physical,1 Spring Garden Road,Halifax,NS,B3J 1A1,44.64,-63.57,,,,,\n" +
            "S3,O1,Shelter Society,Help line,hotline,1-833-900-1010,,,,yes,no,no,en;fr,Nova Scotia,L3,By phone,virtual,,,,,,,,,,,\n");

        var result = Build(await new CsvDirectorySource(csv.Path).ReadContentAsync());

        Assert.Empty(result.Quarantined);
        Assert.Single(result.Snapshot.Organizations);
        var shelter = result.Snapshot.Services.Single(s => s.Id == "S1");
        Assert.Equal([ServiceType.EmergencyShelter, ServiceType.IndigenousLed], shelter.ServiceTypes);
        Assert.Equal([ServedGender.Women, ServedGender.GenderDiverse], shelter.Eligibility.Genders);
        Assert.Equal(["en", "fr", "mic"], shelter.Languages.Select(l => l.Code));
        Assert.Equal((3, 12, CapacityUnit.Bed), (shelter.Capacities[0].Available, shelter.Capacities[0].Maximum, shelter.Capacities[0].Unit));
        Assert.Equal("Halifax", result.Snapshot.Locations.Single(l => l.Id == "L1").Redacted.ServiceArea);
        Assert.Equal("B3J 1A1", result.Snapshot.Locations.Single(l => l.Id == "L2").Physical.PostalCode);
        Assert.Equal(Location.KindOneofCase.Virtual, result.Snapshot.Locations.Single(l => l.Id == "L3").KindCase);
        Assert.Equal(3, result.Snapshot.ServiceAtLocations.Count);
    }

    [Fact]
    public async Task No_address_of_a_confidential_location_reaches_the_signed_bytes()
    {
        // A safe house marked redacted but exported with its address, and another mis-entered as physical.
        using var csv = TempCsv.With(Header + "\n" +
            $"S1,O1,Shelter Society,Emergency shelter,emergency_shelter,,16,,women,yes,no,no,en,Halifax,L1,Safe house,redacted,1234 Barrington Street,Halifax,NS,B3H 2Y9,44.6488,-63.5752,beds,bed,3,12,{s_updated}\n" +
            $"S2,O1,Shelter Society,Second stage,transitional_housing,,16,,women,yes,no,no,en,Dartmouth,L2,Residence,physical,77 Portland Street,Dartmouth,NS,B2Y 1H8,44.6651,-63.5676,beds,bed,0,8,{s_updated}\n");

        var result = Build(await new CsvDirectorySource(csv.Path).ReadContentAsync());

        Assert.All(result.Snapshot.Locations, l => Assert.Equal(Location.KindOneofCase.Redacted, l.KindCase));
        Assert.Contains(result.Quarantined, q => q.CaseId == "L1" && q.Reason.Contains("withheld", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "L2" && q.Reason.Contains("withheld", StringComparison.Ordinal));
        var release = new DirectoryRelease { Jurisdiction = "NS", NodeId = "node-ns", ProducedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Snapshot = result.Snapshot };
        var bytes = release.ToByteArray();
        foreach (var text in new[] { "Barrington", "Portland", "B3H 2Y9", "B2Y 1H8", "44.6488", "63.5676" })
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0, $"'{text}' left the node");
        }

        foreach (var coordinate in new[] { 44.6488, -63.5752, 44.6651, -63.5676 })
        {
            Assert.True(bytes.AsSpan().IndexOf(BitConverter.GetBytes(coordinate)) < 0, $"coordinate {coordinate} left the node");
        }
    }

    [Fact]
    public async Task A_row_with_an_unknown_code_is_quarantined_with_its_line_and_reason()
    {
        using var csv = TempCsv.With(Header + "\n" +
            "S1,O1,Society,Shelter,safe_house,,,,,no,no,no,en,Halifax,L1,X,redacted,,Halifax,NS,,,,,,,,\n" +
            "S2,O1,Society,Clinic,legal_aid,,,,men;boys,no,no,no,en,Halifax,L2,X,redacted,,Halifax,NS,,,,,,,,\n");

        var content = await new CsvDirectorySource(csv.Path).ReadContentAsync();

        Assert.Contains(content.Quarantined, q => q.Location.EndsWith("line 2", StringComparison.Ordinal) && q.Reason.Contains("'safe_house' is not a service type", StringComparison.Ordinal));
        Assert.Contains(content.Quarantined, q => q.Location.EndsWith("line 3", StringComparison.Ordinal) && q.Reason.Contains("'boys' is not a gender served", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_export_is_streamed_and_cancelling_stops_it()
    {
        using var csv = TempCsv.With(Header + "\n" +
            "S1,O1,Society,Clinic,legal_aid,,,,,no,no,no,en,Halifax,L1,X,virtual,,Halifax,NS,,,,,,,,\n" +
            "S2,O1,Society,Clinic,legal_aid,,,,,no,no,no,en,Halifax,L2,X,virtual,,Halifax,NS,,,,,,,,\n");
        using var cancellation = new CancellationTokenSource();
        var items = new List<DirectoryItem>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in new CsvDirectorySource(csv.Path).ReadAsync(cancellation.Token))
            {
                items.Add(item);
                await cancellation.CancelAsync();
            }
        });

        // Cancelled on the first row: the second is never read.
        Assert.IsType<OrganizationItem>(items[0]);
        Assert.DoesNotContain(items, i => i is ServiceItem { Service.Id: "S2" } or LocationItem { Location.Id: "L2" });
    }

    [Fact]
    public async Task A_missing_column_stops_the_read_naming_it()
    {
        using var csv = TempCsv.With("service_id,service_name\nS1,Shelter\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new CsvDirectorySource(csv.Path).ReadContentAsync());

        Assert.Contains("organization_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capacity_feed_rows_are_read_and_bad_ones_quarantined()
    {
        using var csv = TempCsv.With("service_id,capacity_id,capacity_unit,available,maximum,capacity_updated\n" +
            $"S1,beds,bed,2,10,{s_updated}\n" +
            $"S1,beds,kilogram,2,10,{s_updated}\n" +
            "S1,beds,bed,two,10,yesterday\n");

        var (readings, quarantined) = await new CsvCapacitySource(csv.Path).ReadAsync();

        Assert.Equal(2, Assert.Single(readings).Capacity.Available);
        Assert.Equal(2, quarantined.Count);
        Assert.Contains(quarantined, q => q.Reason.Contains("'kilogram' is not a unit", StringComparison.Ordinal));
        Assert.Contains(quarantined, q => q.Reason.Contains("'two' is not a whole number", StringComparison.Ordinal) && q.Reason.Contains("'yesterday'", StringComparison.Ordinal));
    }

    [Fact]
    public void Capacity_readings_breaking_a_rule_or_naming_an_unknown_service_are_quarantined()
    {
        var now = DateTimeOffset.UtcNow;
        var builder = new CapacityUpdateBuilder(new DirectoryValidator(TimeProvider.System));
        SourceCapacityReading Reading(string service, int available, int maximum, DateTimeOffset updated) =>
            new($"feed {service}", service, new ServiceCapacity { Id = "beds", Unit = CapacityUnit.Bed, Available = available, Maximum = maximum, Updated = Timestamp.FromDateTimeOffset(updated) });

        var result = builder.Build(
            [Reading("S1", 2, 10, now.AddMinutes(-5)), Reading("S1", 11, 10, now.AddMinutes(-5)), Reading("S1", 1, 10, now.AddHours(2)), Reading("S9", 1, 10, now.AddMinutes(-5))],
            new HashSet<string> { "S1" });

        Assert.Single(result.Update.Readings);
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("more than maximum", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("in the future", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("'S9' is not in the published directory", StringComparison.Ordinal));
    }

    private static DirectoryBuildResult Build(DirectoryContent content) =>
        new DirectorySnapshotBuilder(new DirectoryValidator(TimeProvider.System)).Build("NS", content);
}
