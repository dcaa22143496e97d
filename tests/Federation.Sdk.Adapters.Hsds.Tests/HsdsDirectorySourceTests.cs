using System.Text;
using System.Text.Json;
using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Adapters.Hsds.Tests;

public sealed class HsdsDirectorySourceTests
{
    private static readonly DirectorySnapshotBuilder s_builder = new(new DirectoryValidator(TimeProvider.System));

    public static TheoryData<string> ExampleFiles => [.. HsdsExamples.Files.Select(f => Path.GetFileName(f))];

    [Fact]
    public void All_seven_example_documents_of_the_specification_are_present() =>
        Assert.Equal(7, HsdsExamples.Files.Count());

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public async Task Every_object_of_an_example_document_is_either_mapped_or_quarantined_with_a_reason(string file)
    {
        var content = await new HsdsDirectorySource(HsdsExamples.File(file), CounsellingTerms()).ReadContentAsync();
        var result = s_builder.Build("ON", content);

        var mapped = result.Snapshot.Organizations.Select(o => o.Id)
            .Concat(result.Snapshot.Services.Select(s => s.Id))
            .Concat(result.Snapshot.Locations.Select(l => l.Id))
            .Concat(result.Snapshot.ServiceAtLocations.Select(l => l.Id))
            .ToHashSet(StringComparer.Ordinal);
        var quarantined = result.Quarantined.Where(q => !string.IsNullOrWhiteSpace(q.Reason)).Select(q => q.CaseId).ToHashSet(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(HsdsExamples.File(file)));
        var objects = HsdsObjectIds(document.RootElement).ToArray();

        Assert.NotEmpty(objects);
        foreach (var id in objects)
        {
            Assert.True(mapped.Contains(id) || quarantined.Contains(id), $"{file}: object {id} was neither mapped nor quarantined");
        }
    }

    [Fact]
    public async Task The_full_service_example_maps_its_valid_parts_and_quarantines_the_rest_with_reasons()
    {
        var content = await new HsdsDirectorySource(HsdsExamples.File("service_full.json"), CounsellingTerms()).ReadContentAsync();
        var result = s_builder.Build("ON", content);

        var service = Assert.Single(result.Snapshot.Services);
        Assert.Equal("Community Counselling", service.Name);
        Assert.Equal([ServiceType.Counselling], service.ServiceTypes);
        Assert.Equal(12, service.Eligibility.MinimumAge);
        Assert.Equal(100, service.Eligibility.MaximumAge);
        Assert.True(service.Eligibility.AcceptsMinors);
        Assert.Equal(["ur"], service.Languages.Select(l => l.Code));
        Assert.Single(service.ServiceAreas);
        Assert.Equal("Example Organization Inc.", Assert.Single(result.Snapshot.Organizations).Name);

        // Its capacity counts kilograms, and 12 available of 10: withheld, with both reasons.
        Assert.Empty(service.Capacities);
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("unit 'Kilogram'", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("available 12 is more than maximum 10", StringComparison.Ordinal));
        // A phone number with quotes in it is not a number to call.
        Assert.Equal(string.Empty, service.Phone);
        Assert.Contains(result.Quarantined, q => q.Reason.Contains("phone number withheld", StringComparison.Ordinal));
        // The civic centre is in "MyState", US, at latitude 100: not a Canadian place.
        Assert.Empty(result.Snapshot.Locations);
        Assert.Contains(result.Quarantined, q => q.CaseId == "3a19ff88-4620-4d17-9830-ac1d859eb5d5" && q.Reason.Contains("country 'US'", StringComparison.Ordinal));
        Assert.Contains(result.Quarantined, q => q.CaseId == "e94c9f38-1e8f-4564-91d4-d53501ab1765" && q.Location.StartsWith("service_at_location", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_mapping_of_its_taxonomy_a_service_is_quarantined_naming_the_types()
    {
        var content = await new HsdsDirectorySource(HsdsExamples.File("service_list.json")).ReadContentAsync();
        var result = s_builder.Build("ON", content);

        Assert.Empty(result.Snapshot.Services);
        var reason = Assert.Single(result.Quarantined, q => q.CaseId == "ac148810-d857-441c-9679-408f346de14b").Reason;
        Assert.Contains("has no type", reason, StringComparison.Ordinal);
        Assert.Contains("emergency_shelter", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_examples_folder_reads_as_one_directory_with_each_object_once()
    {
        var content = await new HsdsDirectorySource(HsdsExamples.Folder, CounsellingTerms()).ReadContentAsync();
        var result = s_builder.Build("ON", content);

        Assert.Single(result.Snapshot.Organizations);
        Assert.Single(result.Snapshot.Services);
        Assert.Empty(DirectoryReleaseViolations(result.Snapshot));
    }

    [Fact]
    public async Task A_redacted_location_never_carries_its_address_or_coordinates_into_the_signed_bytes()
    {
        var path = await WriteTempJsonAsync(ShelterDocument(locationType: "redacted"));
        try
        {
            var content = await new HsdsDirectorySource(path).ReadContentAsync();
            var result = s_builder.Build("NS", content);

            var location = Assert.Single(result.Snapshot.Locations);
            Assert.Equal("Halifax", location.Redacted.ServiceArea);
            Assert.Contains(result.Quarantined, q => q.Reason.Contains("exposes its address", StringComparison.Ordinal));
            AssertNoAddress(Release(result.Snapshot).ToByteArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_shelter_a_feed_publishes_as_physical_is_redacted_before_it_leaves_the_node()
    {
        var path = await WriteTempJsonAsync(ShelterDocument(locationType: "physical"));
        try
        {
            var result = s_builder.Build("NS", await new HsdsDirectorySource(path).ReadContentAsync());

            Assert.Equal(Location.KindOneofCase.Redacted, Assert.Single(result.Snapshot.Locations).KindCase);
            AssertNoAddress(Release(result.Snapshot).ToByteArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_folder_is_read_one_file_at_a_time_as_the_stream_advances()
    {
        var folder = Directory.CreateTempSubdirectory("hsds-").FullName;
        try
        {
            File.Copy(HsdsExamples.File("organization_full.json"), Path.Combine(folder, "a.json"));
            await File.WriteAllTextAsync(Path.Combine(folder, "b.json"), "{ not json");
            await using var items = new HsdsDirectorySource(folder).ReadAsync().GetAsyncEnumerator();

            Assert.True(await items.MoveNextAsync());
            // b.json is only opened once a.json's items are all sent: fixing it now is what the stream reads.
            File.Copy(HsdsExamples.File("service_list.json"), Path.Combine(folder, "b.json"), overwrite: true);
            var rest = new List<DirectoryItem>();
            while (await items.MoveNextAsync())
            {
                rest.Add(items.Current);
            }

            Assert.DoesNotContain(rest, i => i is QuarantinedItem q && q.Record.Reason.StartsWith("not JSON", StringComparison.Ordinal));
            Assert.Contains(rest, i => i is ServiceItem);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_stops_the_stream()
    {
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in new HsdsDirectorySource(HsdsExamples.Folder).ReadAsync(cancellation.Token))
            {
                read++;
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(1, read);
    }

    [Fact]
    public async Task A_federation_term_that_is_no_directory_code_and_a_count_time_that_is_no_time_are_reported_as_they_are()
    {
        var path = await WriteTempJsonAsync(ShelterDocument(locationType: "redacted")
            .Replace("\"attributes\": [ {", "\"attributes\": [ { \"id\": \"a0\", \"taxonomy_term\": { \"id\": \"t0\", \"code\": \"safe_haven\", \"name\": \"Safe haven\", \"taxonomy\": \"federation\" } }, {", StringComparison.Ordinal)
            .Replace($"\"updated\": \"", "\"updated\": \"yesterday\", \"was\": \"", StringComparison.Ordinal));
        try
        {
            var result = s_builder.Build("NS", await new HsdsDirectorySource(path).ReadContentAsync());

            // The service stays, as the emergency shelter its other term says it is; the unknown term is not passed over.
            Assert.Equal([ServiceType.EmergencyShelter], Assert.Single(result.Snapshot.Services).ServiceTypes);
            Assert.Contains(result.Quarantined, q => q.CaseId == "svc-1" && q.Reason.StartsWith("service_types: 'safe_haven' of the federation taxonomy is not a directory code", StringComparison.Ordinal));
            Assert.Contains(result.Quarantined, q => q.CaseId == "svc-1" && q.Reason.Contains("updated 'yesterday' is not a date and time", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_JSON_is_quarantined_not_thrown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hsds-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{ not json");
        try
        {
            var content = await new HsdsDirectorySource(path).ReadContentAsync();

            Assert.Contains(content.Quarantined, q => q.Reason.StartsWith("not JSON", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertNoAddress(byte[] bytes)
    {
        foreach (var text in new[] { "1234 Barrington", "Barrington Street", "B3H 2Y9", "44.6488", "-63.5752" })
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0, $"'{text}' is in the release bytes");
        }

        foreach (var coordinate in new[] { 44.6488, -63.5752 })
        {
            Assert.True(bytes.AsSpan().IndexOf(BitConverter.GetBytes(coordinate)) < 0, $"coordinate {coordinate} is in the release bytes");
        }
    }

    private static string ShelterDocument(string locationType) => $$"""
        {
          "id": "svc-1", "name": "Emergency shelter", "status": "active", "minimum_age": 16,
          "organization": { "id": "org-1", "name": "Shelter Society" },
          "attributes": [ { "id": "a1", "taxonomy_term": { "id": "t1", "code": "emergency_shelter", "name": "Emergency shelter", "taxonomy": "federation" } } ],
          "capacities": [ { "id": "beds", "unit": { "id": "u1", "name": "Bed" }, "available": 2, "maximum": 10, "updated": "{{DateTimeOffset.UtcNow.AddHours(-1):O}}" } ],
          "service_at_locations": [ {
            "id": "sal-1",
            "location": {
              "id": "loc-1", "name": "Safe house", "location_type": "{{locationType}}", "latitude": 44.6488, "longitude": -63.5752,
              "addresses": [ { "id": "ad1", "address_1": "1234 Barrington Street", "city": "Halifax", "state_province": "NS", "postal_code": "B3H 2Y9", "country": "CA", "address_type": "physical" } ]
            } } ]
        }
        """;

    private static async Task<string> WriteTempJsonAsync(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hsds-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static DirectoryRelease Release(DirectorySnapshot snapshot) =>
        new() { Jurisdiction = "NS", NodeId = "node-ns", ProducedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Snapshot = snapshot };

    private static IReadOnlyList<Sdk.Submissions.FieldViolation> DirectoryReleaseViolations(DirectorySnapshot snapshot) =>
        new DirectoryValidator(TimeProvider.System).Validate(new DirectoryRelease
        {
            Jurisdiction = "ON",
            NodeId = "node-on",
            ProducedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Snapshot = snapshot,
        });

    /// <summary>The example's taxonomy term (code "code") stands for counselling, as a province would configure for its feed.</summary>
    private static HsdsDirectoryOptions CounsellingTerms()
    {
        var options = new HsdsDirectoryOptions();
        options.Terms["code"] = "counselling";
        return options;
    }

    /// <summary>Ids of the HSDS organization, service, location and service_at_location objects of a document, wherever they are nested.</summary>
    private static IEnumerable<string> HsdsObjectIds(JsonElement element, string? property = null)
    {
        string[] kinds = ["organization", "services", "service", "locations", "location", "service_at_locations"];
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray().SelectMany(i => HsdsObjectIds(i, property)))
            {
                yield return item;
            }

            yield break;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        if ((property is null || property == "contents" || kinds.Contains(property)) && element.TryGetProperty("id", out var id))
        {
            yield return id.GetString()!;
        }

        foreach (var child in element.EnumerateObject().Where(p => p.Name == "contents" || kinds.Contains(p.Name)))
        {
            foreach (var nested in HsdsObjectIds(child.Value, child.Name))
            {
                yield return nested;
            }
        }
    }
}
