using Federation.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Tests.ServiceDirectory;

/// <summary>Small valid directories to start tests from.</summary>
internal static class TestDirectory
{
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    public static DirectorySnapshot Snapshot()
    {
        var snapshot = new DirectorySnapshot
        {
            Organizations = { new Organization { Id = "org-1", Name = "Women's Shelter Society" } },
            Services =
            {
                new Service
                {
                    Id = "shelter-1",
                    OrganizationId = "org-1",
                    Name = "Emergency shelter",
                    ServiceTypes = { ServiceType.EmergencyShelter },
                    Eligibility = new Eligibility { MinimumAge = 16, AcceptsMinors = true, Genders = { ServedGender.Women } },
                    Languages = { new Language { Code = "en" }, new Language { Code = "fr" } },
                    ServiceAreas = { new ServiceArea { Name = "Halifax" } },
                    Capacities = { Beds(3, 12) },
                    Phone = "1-902-555-0100",
                },
                new Service
                {
                    Id = "legal-1",
                    OrganizationId = "org-1",
                    Name = "Legal clinic",
                    ServiceTypes = { ServiceType.LegalAid },
                },
            },
            Locations =
            {
                new Location { Id = "loc-safe", Name = "Safe house", Redacted = new RedactedLocation { ServiceArea = "Halifax" } },
                new Location { Id = "loc-office", Name = "Office", Physical = new PhysicalLocation { StreetAddress = "1 Spring Garden Road", Municipality = "Halifax", Province = "NS", PostalCode = "B3J 1A1", Latitude = 44.64, Longitude = -63.57 } },
            },
            ServiceAtLocations =
            {
                new ServiceAtLocation { Id = "sal-1", ServiceId = "shelter-1", LocationId = "loc-safe" },
                new ServiceAtLocation { Id = "sal-2", ServiceId = "legal-1", LocationId = "loc-office" },
            },
        };
        return snapshot;
    }

    public static ServiceCapacity Beds(int available, int maximum, DateTimeOffset? updated = null) => new()
    {
        Id = "beds",
        Unit = CapacityUnit.Bed,
        Available = available,
        Maximum = maximum,
        Updated = Timestamp.FromDateTimeOffset(updated ?? Now.AddHours(-1)),
    };

    public static DirectoryRelease Release(DirectorySnapshot snapshot, string jurisdiction = "NS") => new()
    {
        Jurisdiction = jurisdiction,
        NodeId = "node-ns",
        ProducedAt = Timestamp.FromDateTimeOffset(Now),
        Snapshot = snapshot,
    };
}
