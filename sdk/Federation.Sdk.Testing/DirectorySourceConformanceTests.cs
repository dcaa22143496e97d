using System.Globalization;
using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Hosting;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Validation;
using Google.Protobuf;
using Xunit;

namespace Federation.Sdk.Testing;

/// <summary>
/// The conformance suite every service directory adapter passes. An adapter's test project derives from it and says
/// only how to store a synthetic directory (<see cref="ArrangeAsync"/>) and how to add its source to a node
/// (<see cref="AddSource"/>); the suite proves the source streams every organization, service, location and service
/// at a location, honours cancellation, reports bad items as quarantined with reasons naming the field, maps
/// deterministically, and lets no confidential address reach a snapshot. xunit runs each inherited test once per
/// derived class, each on a new instance.
/// </summary>
public abstract class DirectorySourceConformanceTests : IAsyncLifetime
{
    /// <summary>The jurisdiction the synthetic directory belongs to.</summary>
    protected const string Jurisdiction = "NS";

    /// <summary>The time the synthetic counts are taken at and the snapshot builder checks them against.</summary>
    protected static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private const string SourceName = "conformance";

    // A shelter whose export leaks its address although it is marked confidential, and one entered as physical.
    private static readonly Confidential[] s_confidential =
    [
        new("CONF1", "redacted", "77 Harbour Lane", "B3K 5M7", "44.6512", "-63.5821"),
        new("CONF2", "physical", "2150 Quinpool Road", "B3L 1A1", "44.6435", "-63.6021"),
    ];

    /// <summary>
    /// Stores <paramref name="directory"/> where the source added by <see cref="AddSource"/> reads it: one service
    /// at a location per row (<see cref="SyntheticDirectoryRow"/>, columns as the CSV directory adapter names them),
    /// text as given, even where it is wrong (the suite plants defects), blank as "not recorded". Called once per
    /// test, before <see cref="AddSource"/>.
    /// </summary>
    protected abstract Task ArrangeAsync(SyntheticDirectory directory, CancellationToken cancellationToken);

    /// <summary>Adds the adapter's source of the arranged directory to <paramref name="node"/> under <paramref name="name"/>.</summary>
    protected abstract void AddSource(INodeBuilder node, string name);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Conformance_streams_every_item_of_the_directory()
    {
        var directory = Valid();
        using var sources = await ArrangeSourcesAsync(directory);
        var content = await sources.DirectorySources[0].Value.ReadContentAsync();

        AssertSameIds("organizations", directory.OrganizationIds, content.Organizations.Select(o => o.Id));
        AssertSameIds("services", directory.ServiceIds, content.Services.Select(s => s.Id));
        AssertSameIds("locations", directory.LocationIds, content.Locations.Select(l => l.Id));
        AssertSameIds("service_at_locations", directory.ServiceAtLocationIds, content.ServiceAtLocations.Select(l => l.Id));
        ConformanceCheck.That(content.Quarantined.Count == 0, $"a valid directory read with quarantined items: {ConformanceCheck.List(content.Quarantined.Select(q => $"{q.Location}: {q.Reason}"))}");
        var links = content.ServiceAtLocations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var wrongLinks = directory.Rows
            .Where(row => links[row.ServiceAtLocationId].ServiceId != row.ServiceId || links[row.ServiceAtLocationId].LocationId != row.LocationId)
            .Select(row => row.ServiceAtLocationId).ToArray();
        ConformanceCheck.That(wrongLinks.Length == 0, $"service_at_locations linking the wrong service or location: {ConformanceCheck.List(wrongLinks)}");
    }

    [Fact]
    public async Task Conformance_cancelling_mid_stream_stops_the_read()
    {
        using var sources = await ArrangeSourcesAsync(Valid());
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        Exception? ended = null;
        try
        {
            await foreach (var item in sources.DirectorySources[0].Value.ReadAsync(cancellation.Token))
            {
                if (++read == 6)
                {
                    await cancellation.CancelAsync();
                }
            }
        }
        catch (Exception e)
        {
            ended = e;
        }

        ConformanceCheck.That(ended is OperationCanceledException, ended is null
            ? $"cancelled after item 6, the read went on to the end ({read} items) without an OperationCanceledException"
            : $"cancelled after item 6, the read ended with {ended.GetType().Name} instead of an OperationCanceledException: {ended.Message}");

        // An item already read may be in flight, but the stream stops at once instead of reading on to the end.
        ConformanceCheck.That(read <= 7, $"cancelled after item 6, {read} items were read before the read stopped (at most 7)");
    }

    [Fact]
    public async Task Conformance_bad_items_are_quarantined_with_a_reason_naming_the_field()
    {
        var valid = Valid();
        var facility = valid.Rows.First(r => r["location_type"] == "redacted" && r["capacity_unit"].Length > 0);
        var office = valid.Rows.First(r => r["location_type"] == "physical" && r["street_address"].Length > 0 && !IsResidential(r));
        var defects = new (SyntheticDirectoryRow Row, Func<SyntheticDirectoryRow, string> Item, string Field)[]
        {
            (Renamed(facility, "BAD1").With(("service_types", $"{facility.List("service_types")[0]};safe_haven")), r => r.ServiceId, "service_types"),
            (Renamed(facility, "BAD2").With(("available", "9"), ("maximum", "4")), r => r.ServiceId, "available"),
            (Renamed(facility, "BAD3").With(("capacity_updated", "yesterday")), r => r.ServiceId, "updated"),
            (Renamed(office, "BAD4").With(("location_type", "hidden")), r => r.LocationId, "location_type"),
            (Renamed(office, "BAD5").With(("languages", "en;english")), r => r.ServiceId, "languages"),
            (Renamed(office, "BAD6").With(("latitude", "12.5"), ("longitude", "-63.6")), r => r.LocationId, "latitude"),
            (Renamed(office, "BAD7").With(("minimum_age", "130")), r => r.ServiceId, "minimum_age"),
            (Renamed(office, "BAD8").With(("service_name", string.Empty)), r => r.ServiceId, "service_name"),
        };

        // The bad rows sit among the good ones, not at the end.
        var rows = valid.Rows.ToList();
        for (var i = 0; i < defects.Length; i++)
        {
            rows.Insert(Math.Min(rows.Count, 3 + (i * 3)), defects[i].Row);
        }

        var result = await BuildAsync(new SyntheticDirectory(Jurisdiction, rows));

        foreach (var (row, item, field) in defects)
        {
            var id = item(row);
            ConformanceCheck.That(
                result.Quarantined.Any(q => q.CaseId == id && Names(q.Reason, field)),
                $"{id} with a bad {field} was not quarantined with a reason naming {field}; quarantined: {ConformanceCheck.List(result.Quarantined.Select(q => $"{q.CaseId} at {q.Location}: {q.Reason}"))}");
            ConformanceCheck.That(
                result.Snapshot.Services.Any(s => s.Id == row.ServiceId) || result.Quarantined.Any(q => q.CaseId == row.ServiceId),
                $"service {row.ServiceId} was dropped: neither in the snapshot nor quarantined");
        }

        var unlocated = result.Quarantined.Where(q => string.IsNullOrWhiteSpace(q.Location) || string.IsNullOrWhiteSpace(q.Reason)).Select(q => q.CaseId).ToArray();
        ConformanceCheck.That(unlocated.Length == 0, $"quarantined items without a location or a reason: {ConformanceCheck.List(unlocated)}");
        AssertContains("organizations", valid.OrganizationIds, result.Snapshot.Organizations.Select(o => o.Id));
        AssertContains("services", valid.ServiceIds, result.Snapshot.Services.Select(s => s.Id));
        AssertContains("locations", valid.LocationIds, result.Snapshot.Locations.Select(l => l.Id));
        AssertContains("service_at_locations", valid.ServiceAtLocationIds, result.Snapshot.ServiceAtLocations.Select(l => l.Id));
    }

    [Fact]
    public async Task Conformance_two_reads_give_equal_content_and_snapshots()
    {
        using var sources = await ArrangeSourcesAsync(WithConfidential(Valid()));
        var source = sources.DirectorySources[0].Value;

        var first = await source.ReadContentAsync();
        var second = await source.ReadContentAsync();
        var firstBuild = Builder().Build(Jurisdiction, first);
        var secondBuild = Builder().Build(Jurisdiction, second);

        var differing = new[]
        {
            ("organizations", first.Organizations.SequenceEqual(second.Organizations)),
            ("services", first.Services.SequenceEqual(second.Services)),
            ("locations", first.Locations.SequenceEqual(second.Locations)),
            ("service_at_locations", first.ServiceAtLocations.SequenceEqual(second.ServiceAtLocations)),
            ("quarantined items", first.Quarantined.SequenceEqual(second.Quarantined)),
            ("snapshots", firstBuild.Snapshot.Equals(secondBuild.Snapshot) && firstBuild.Snapshot.ToByteArray().AsSpan().SequenceEqual(secondBuild.Snapshot.ToByteArray())),
            ("snapshot quarantines", firstBuild.Quarantined.SequenceEqual(secondBuild.Quarantined)),
        }.Where(part => !part.Item2).Select(part => part.Item1).ToArray();
        ConformanceCheck.That(differing.Length == 0, $"two reads differ in their {ConformanceCheck.List(differing)} (read in a stable order, with no clock or randomness)");
        ConformanceCheck.That(firstBuild.Snapshot.Services.Count > 0, "the snapshot of a valid directory has no service");
    }

    [Fact]
    public async Task Conformance_no_confidential_address_reaches_a_snapshot()
    {
        var directory = WithConfidential(Valid());
        var result = await BuildAsync(directory);
        var bytes = result.Snapshot.ToByteArray();
        var json = JsonFormatter.Default.Format(result.Snapshot);

        foreach (var shelter in s_confidential)
        {
            var row = directory.Rows.Single(r => r.ServiceId == ServiceId(shelter.Tag));
            var location = result.Snapshot.Locations.SingleOrDefault(l => l.Id == row.LocationId);
            ConformanceCheck.That(location is not null, $"confidential location {row.LocationId} of service {row.ServiceId} is not in the snapshot (once)");
            ConformanceCheck.That(
                location!.KindCase == Location.KindOneofCase.Redacted && location.Redacted.ServiceArea == row["municipality"],
                $"confidential location {row.LocationId} must be published redacted to its area '{row["municipality"]}', not as {location.KindCase}");
            ConformanceCheck.That(
                result.Snapshot.ServiceAtLocations.Any(l => l.LocationId == row.LocationId && l.ServiceId == row.ServiceId),
                $"service {row.ServiceId} is not linked to its redacted location {row.LocationId}");

            var texts = new[] { shelter.Street, shelter.PostalCode, shelter.PostalCode.Replace(" ", string.Empty, StringComparison.Ordinal), shelter.Latitude, shelter.Longitude };
            foreach (var text in texts)
            {
                ConformanceCheck.That(
                    bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0 && !json.Contains(text, StringComparison.OrdinalIgnoreCase),
                    $"'{text}' of confidential location {row.LocationId} reached the snapshot");
            }

            foreach (var coordinate in new[] { shelter.Latitude, shelter.Longitude }.Select(c => double.Parse(c, CultureInfo.InvariantCulture)))
            {
                ConformanceCheck.That(bytes.AsSpan().IndexOf(BitConverter.GetBytes(coordinate)) < 0, $"coordinate {coordinate} of confidential location {row.LocationId} reached the snapshot bytes");
            }
        }

        // Every residential service's locations are published redacted, with an area and nothing else of the place.
        var residential = result.Snapshot.Services.Where(s => s.ServiceTypes.Any(DirectoryCodes.IsResidential)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var locations = result.Snapshot.Locations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        ConformanceCheck.That(residential.Count > 0, "the snapshot has no residential service (shelter, transitional housing)");
        var exposed = result.Snapshot.ServiceAtLocations
            .Where(l => residential.Contains(l.ServiceId) && locations[l.LocationId].KindCase != Location.KindOneofCase.Redacted)
            .Select(l => $"{l.ServiceId} at {l.LocationId}").ToArray();
        ConformanceCheck.That(exposed.Length == 0, $"residential services published at a location that is not redacted: {ConformanceCheck.List(exposed)}");
    }

    /// <summary>
    /// The synthetic directory, and two rows that give it the shapes every real directory has: a service offered at a
    /// second location (which it shares with another service), and a second service of an organization.
    /// </summary>
    private static SyntheticDirectory Valid()
    {
        var directory = SyntheticDirectoryData.Directory(Jurisdiction, seed: 2026, Now);
        var offices = directory.Rows.Where(r => r["location_type"] == "physical" && r["street_address"].Length > 0 && !IsResidential(r)).Take(2).ToArray();
        string[] locationColumns = ["location_id", "location_name", "location_type", "street_address", "municipality", "province", "postal_code", "latitude", "longitude"];
        var secondLocation = offices[0].With([.. locationColumns.Select(c => (c, offices[1][c]))]);
        var secondService = offices[0].With(
            ("service_id", ServiceId("SECOND")),
            ("service_name", "Legal information clinic"),
            ("service_types", "legal_aid"),
            ("capacity_id", string.Empty),
            ("capacity_unit", string.Empty),
            ("available", string.Empty),
            ("maximum", string.Empty),
            ("capacity_updated", string.Empty));
        return directory.With([secondLocation, secondService]);
    }

    /// <summary>The directory with the two confidential shelters of <see cref="s_confidential"/> added, their address and coordinates filled in.</summary>
    private static SyntheticDirectory WithConfidential(SyntheticDirectory directory)
    {
        var facility = directory.Rows.First(r => r["location_type"] == "redacted" && r["capacity_unit"].Length > 0);
        return directory.With(s_confidential.Select(shelter => Renamed(facility, shelter.Tag).With(
            ("location_type", shelter.LocationType),
            ("street_address", shelter.Street),
            ("municipality", "Halifax"),
            ("service_areas", "Halifax"),
            ("postal_code", shelter.PostalCode),
            ("latitude", shelter.Latitude),
            ("longitude", shelter.Longitude))));
    }

    private static string ServiceId(string tag) => $"{Jurisdiction}-{tag}";

    /// <summary>A copy of a row as a service of its own, with its own organization and location.</summary>
    private static SyntheticDirectoryRow Renamed(SyntheticDirectoryRow row, string tag) => row.With(
        ("organization_id", $"{Jurisdiction}-{tag}-ORG"),
        ("service_id", ServiceId(tag)),
        ("location_id", $"{Jurisdiction}-{tag}-LOC"));

    private static bool IsResidential(SyntheticDirectoryRow row) =>
        row.List("service_types").Any(t => DirectoryCodes.TryParseServiceType(t, out var type) && DirectoryCodes.IsResidential(type));

    /// <summary>Whether a reason names a field, however it spells the path: "service_types", "service types", "service.name" for service_name.</summary>
    private static bool Names(string reason, string field) =>
        Squeeze(reason).Contains(Squeeze(field), StringComparison.OrdinalIgnoreCase);

    private static string Squeeze(string text) =>
        text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal);

    private static void AssertSameIds(string kind, IEnumerable<string> expected, IEnumerable<string> actual, [System.Runtime.CompilerServices.CallerMemberName] string check = "")
    {
        var read = actual.ToArray();
        var missing = expected.Except(read, StringComparer.Ordinal).ToArray();
        var extra = read.Except(expected, StringComparer.Ordinal).ToArray();
        var repeated = read.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        ConformanceCheck.That(
            missing.Length == 0 && extra.Length == 0 && repeated.Length == 0,
            $"{kind}: missing {ConformanceCheck.List(missing)}; not in the directory {ConformanceCheck.List(extra)}; streamed more than once {ConformanceCheck.List(repeated)}",
            check);
    }

    private static void AssertContains(string kind, IEnumerable<string> expected, IEnumerable<string> actual, [System.Runtime.CompilerServices.CallerMemberName] string check = "")
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).ToArray();
        ConformanceCheck.That(missing.Length == 0, $"valid {kind} missing from the snapshot: {ConformanceCheck.List(missing)}", check);
    }

    private static DirectorySnapshotBuilder Builder() => new(new DirectoryValidator(new FixedClock(Now)));

    private async Task<DirectoryBuildResult> BuildAsync(SyntheticDirectory directory)
    {
        using var sources = await ArrangeSourcesAsync(directory);
        return Builder().Build(Jurisdiction, await sources.DirectorySources[0].Value.ReadContentAsync());
    }

    private async Task<NodeSources> ArrangeSourcesAsync(SyntheticDirectory directory)
    {
        await ArrangeAsync(directory, CancellationToken.None);
        var node = new NodeBuilder();
        AddSource(node, SourceName);
        var sources = node.Build();
        Assert.Equal(SourceName, Assert.Single(sources.DirectorySources).Key);
        return sources;
    }

    private sealed record Confidential(string Tag, string LocationType, string Street, string PostalCode, string Latitude, string Longitude);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
