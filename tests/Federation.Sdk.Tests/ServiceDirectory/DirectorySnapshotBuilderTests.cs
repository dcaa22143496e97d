using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf;

namespace Federation.Sdk.Tests.ServiceDirectory;

public sealed class DirectorySnapshotBuilderTests
{
    private readonly DirectorySnapshotBuilder _builder = new(new DirectoryValidator(new FixedTimeProvider(TestDirectory.Now)));

    [Fact]
    public void Valid_content_is_kept_whole_with_nothing_quarantined()
    {
        var result = _builder.Build("NS", Content(TestDirectory.Snapshot()));

        Assert.Empty(result.Quarantined);
        Assert.Equal(TestDirectory.Snapshot(), result.Snapshot);
    }

    [Fact]
    public void A_bad_part_is_withheld_with_its_reason_and_the_rest_of_the_service_is_kept()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.Services[0].Capacities[0].Available = 20;
        snapshot.Services[0].Languages.Add(new Language { Code = "xx" });
        snapshot.Services[0].Phone = "call us";
        snapshot.Locations[1].Physical.Latitude = 100;

        var result = _builder.Build("NS", Content(snapshot));

        var service = result.Snapshot.Services.Single(s => s.Id == "shelter-1");
        Assert.Empty(service.Capacities);
        Assert.Equal(["en", "fr"], service.Languages.Select(l => l.Code));
        Assert.Equal(string.Empty, service.Phone);
        Assert.False(result.Snapshot.Locations.Single(l => l.Id == "loc-office").Physical.HasLatitude);
        Assert.Contains(result.Quarantined, q => q.CaseId == "shelter-1" && q.Reason.Contains("capacity withheld", StringComparison.Ordinal) && q.Reason.Contains("more than maximum", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "shelter-1" && q.Reason.Contains("'xx'", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "shelter-1" && q.Reason.Contains("phone number withheld", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "loc-office" && q.Reason.Contains("coordinates withheld", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shelter_whose_free_text_gives_an_address_has_that_text_withheld_with_the_reason()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.Services[0].Description = "Safe house at 12 Oak Drive; call first.";

        var result = _builder.Build("NS", Content(snapshot));

        Assert.Equal(string.Empty, result.Snapshot.Services.Single(s => s.Id == "shelter-1").Description);
        Assert.Contains(result.Quarantined, q => q.CaseId == "shelter-1" && q.Reason.Contains("description withheld", StringComparison.Ordinal)
            && q.Reason.Contains("looks like a street address", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shelter_named_by_its_address_is_quarantined_with_the_reason()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.Services[0].Name = "Shelter B3H 2Y9";

        var result = _builder.Build("NS", Content(snapshot));

        Assert.DoesNotContain(result.Snapshot.Services, s => s.Id == "shelter-1");
        Assert.Contains(result.Quarantined, q => q.CaseId == "shelter-1" && q.Reason.Contains("looks like a street address", StringComparison.Ordinal));
    }

    [Fact]
    public void An_item_that_cannot_stand_is_quarantined_and_so_are_its_links()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.Services[1].Name = string.Empty;

        var result = _builder.Build("NS", Content(snapshot));

        Assert.DoesNotContain(result.Snapshot.Services, s => s.Id == "legal-1");
        Assert.DoesNotContain(result.Snapshot.ServiceAtLocations, l => l.ServiceId == "legal-1");
        Assert.Contains(result.Quarantined, q => q.CaseId == "legal-1" && q.Reason.Contains("name", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "sal-2");
    }

    [Fact]
    public void A_shelter_entered_at_a_physical_location_is_published_redacted_to_its_municipality()
    {
        var snapshot = TestDirectory.Snapshot();
        snapshot.ServiceAtLocations[0].LocationId = "loc-office";

        var result = _builder.Build("NS", Content(snapshot));

        var location = result.Snapshot.Locations.Single(l => l.Id == "loc-office");
        Assert.Equal(Location.KindOneofCase.Redacted, location.KindCase);
        Assert.Equal("Halifax", location.Redacted.ServiceArea);
        Assert.Contains(result.Quarantined, q => q.CaseId == "loc-office" && q.Reason.Contains("withheld", StringComparison.Ordinal));
        var bytes = TestDirectory.Release(result.Snapshot).ToByteArray();
        Assert.False(ConfidentialBytes.Contains(bytes, "Spring Garden"));
        Assert.False(ConfidentialBytes.Contains(bytes, "B3J 1A1"));
        Assert.False(ConfidentialBytes.ContainsDouble(bytes, 44.64));
    }

    private static DirectoryContent Content(DirectorySnapshot snapshot)
    {
        var content = new DirectoryContent();
        content.Organizations.AddRange(snapshot.Organizations);
        content.Services.AddRange(snapshot.Services);
        content.Locations.AddRange(snapshot.Locations);
        content.ServiceAtLocations.AddRange(snapshot.ServiceAtLocations);
        return content;
    }
}

/// <summary>Scans serialized bytes for text (UTF-8) or a coordinate (IEEE 754 little-endian, as protobuf writes doubles).</summary>
internal static class ConfidentialBytes
{
    public static bool Contains(byte[] bytes, string text) =>
        bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    public static bool ContainsDouble(byte[] bytes, double value) =>
        bytes.AsSpan().IndexOf(BitConverter.GetBytes(value)) >= 0;
}
