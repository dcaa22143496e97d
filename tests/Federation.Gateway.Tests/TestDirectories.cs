using Federation.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Gateway.Tests;

/// <summary>Directory releases for gateway tests: a small Ontario directory whose services differ in every searchable way.</summary>
internal static class TestDirectories
{
    /// <summary>
    /// A: shelter, women, 16+, en/fr, Toronto, 3/10 beds counted 10 min ago. B: shelter, men, 18+, Ottawa, 5/10 counted 3 h ago.
    /// C: shelter, Indigenous-specific, en/cr, Thunder Bay, full (0/8) 5 min ago. D: counselling of an Indigenous-led organization,
    /// 2SLGBTQI+, en/fra, Montréal, no capacity data. E: transitional housing, 18+, Toronto, 2/6 counted 3 days ago.
    /// </summary>
    public static DirectorySnapshot Ontario(DateTimeOffset now)
    {
        Service Shelter(string id, ServiceType type, int available, int maximum, TimeSpan age, string area, Eligibility eligibility, params string[] languages)
        {
            var service = new Service
            {
                Id = id,
                OrganizationId = "org-1",
                Name = $"Service {id}",
                ServiceTypes = { type },
                Eligibility = eligibility,
                ServiceAreas = { new ServiceArea { Name = area } },
                Capacities = { Beds(available, maximum, now - age) },
            };
            service.Languages.AddRange(languages.Select(l => new Language { Code = l }));
            return service;
        }

        var snapshot = new DirectorySnapshot
        {
            Organizations =
            {
                new Organization { Id = "org-1", Name = "Shelter network" },
                new Organization { Id = "org-2", Name = "Healing lodge", IndigenousLed = true },
            },
            Services =
            {
                Shelter("A", ServiceType.EmergencyShelter, 3, 10, TimeSpan.FromMinutes(10), "Toronto", new Eligibility { MinimumAge = 16, AcceptsMinors = true, Genders = { ServedGender.Women } }, "en", "fr"),
                Shelter("B", ServiceType.EmergencyShelter, 5, 10, TimeSpan.FromHours(3), "Ottawa", new Eligibility { MinimumAge = 18, Genders = { ServedGender.Men } }, "en"),
                Shelter("C", ServiceType.EmergencyShelter, 0, 8, TimeSpan.FromMinutes(5), "Thunder Bay", new Eligibility { AcceptsMinors = true, IndigenousSpecific = true, Genders = { ServedGender.Women, ServedGender.GenderDiverse } }, "en", "cr"),
                new Service
                {
                    Id = "D",
                    OrganizationId = "org-2",
                    Name = "Service D",
                    ServiceTypes = { ServiceType.Counselling },
                    Eligibility = new Eligibility { AcceptsMinors = true, TwoSpiritLgbtqiPlus = true },
                    Languages = { new Language { Code = "en" }, new Language { Code = "fra" } },
                    ServiceAreas = { new ServiceArea { Name = "Montréal" } },
                },
                Shelter("E", ServiceType.TransitionalHousing, 2, 6, TimeSpan.FromDays(3), "Toronto", new Eligibility { MinimumAge = 18 }, "en"),
            },
            Locations =
            {
                new Location { Id = "safe-1", Redacted = new RedactedLocation { ServiceArea = "Toronto" } },
                new Location { Id = "office-1", Physical = new PhysicalLocation { StreetAddress = "100 Queen Street West", Municipality = "Toronto", Province = "ON", PostalCode = "M5H 2N2" } },
            },
            ServiceAtLocations =
            {
                new ServiceAtLocation { Id = "sal-A", ServiceId = "A", LocationId = "safe-1" },
                new ServiceAtLocation { Id = "sal-D", ServiceId = "D", LocationId = "office-1" },
            },
        };
        return snapshot;
    }

    public static ServiceCapacity Beds(int available, int maximum, DateTimeOffset updated) => new()
    {
        Id = "beds",
        Unit = CapacityUnit.Bed,
        Available = available,
        Maximum = maximum,
        Updated = Timestamp.FromDateTimeOffset(updated),
    };

    public static DirectoryRelease Release(string jurisdiction, DirectorySnapshot snapshot, DateTimeOffset? producedAt = null) => new()
    {
        Jurisdiction = jurisdiction,
        NodeId = $"node-{jurisdiction.ToLowerInvariant()}",
        ProducedAt = Timestamp.FromDateTimeOffset(producedAt ?? DateTimeOffset.UtcNow.AddSeconds(-1)),
        Snapshot = snapshot,
    };

    public static DirectoryRelease Update(string jurisdiction, params (string ServiceId, ServiceCapacity Capacity)[] readings)
    {
        var update = new CapacityUpdate();
        update.Readings.AddRange(readings.Select(r => new CapacityReading { ServiceId = r.ServiceId, Capacity = r.Capacity }));
        return new DirectoryRelease
        {
            Jurisdiction = jurisdiction,
            NodeId = $"node-{jurisdiction.ToLowerInvariant()}",
            ProducedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1)),
            CapacityUpdate = update,
        };
    }

    /// <summary>The directory as an analyst (federation.query) sees it: capacity aggregated.</summary>
    public static DirectoryService.DirectoryServiceClient Directory(this GatewayFixture gateway) => new(gateway.Channel);

    /// <summary>The directory as a referral desk (federation.referral) sees it: exact capacity of each service, watches.</summary>
    public static DirectoryService.DirectoryServiceClient ReferralDirectory(this GatewayFixture gateway) => new(gateway.ReferralChannel);

    public static async Task<DirectoryReceipt> PublishAsync(this GatewayFixture gateway, DirectoryRelease release, string? signedBy = null) =>
        await gateway.PublishAsync(release.ToByteArray(), signedBy ?? release.Jurisdiction);

    public static Task<DirectoryReceipt> PublishAsync(this GatewayFixture gateway, byte[] releaseBytes, string signedBy) =>
        gateway.SubmitDirectoryAsync(TestSubmissions.Sign(releaseBytes, gateway.Federation.Node(signedBy)), signedBy);

    /// <summary>Submits a directory envelope with the access token of the node of <paramref name="jurisdiction"/>.</summary>
    public static async Task<DirectoryReceipt> SubmitDirectoryAsync(this GatewayFixture gateway, SignedEnvelope envelope, string jurisdiction) =>
        (await new DirectoryService.DirectoryServiceClient(gateway.AnonymousChannel).SubmitDirectoryAsync(
            new SubmitDirectoryRequest { Envelope = envelope },
            headers: await GatewayFixture.BearerAsync(await gateway.NodeTokensAsync(jurisdiction)),
            deadline: DateTime.UtcNow.AddSeconds(30))).Receipt;
}
