using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Synthetic;

namespace Federation.Sdk.Adapters.Csv.Tests;

public sealed class SyntheticDirectoryDataTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_thirteen_jurisdictions_hold_the_560_facilities_of_the_national_survey() =>
        Assert.Equal(ServiceCalibration.NationalFacilities, Jurisdiction.All.Sum(ServiceCalibration.Facilities));

    [Fact]
    public async Task Synthetic_directories_read_cleanly_and_match_the_published_occupancy_and_share_full()
    {
        var beds = 0;
        var available = 0;
        var facilities = 0;
        var full = 0;
        var folder = Path.Combine(Path.GetTempPath(), $"directories-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var jurisdiction in Jurisdiction.All)
            {
                var services = Path.Combine(folder, $"{jurisdiction}-services.csv");
                var capacity = Path.Combine(folder, $"{jurisdiction}-capacity.csv");
                SyntheticDirectoryData.Write(services, capacity, jurisdiction, seed: jurisdiction[0] * 31 + jurisdiction[1], s_now, historyFromYear: 2024);
                var content = await new CsvDirectorySource(services).ReadContentAsync();
                var result = new DirectorySnapshotBuilder(new DirectoryValidator(new FixedClock(s_now))).Build(jurisdiction, content);

                // The only notes are the few shelters entered as physical, which the builder redacts.
                Assert.All(result.Quarantined, q => Assert.Contains("address and coordinates withheld", q.Reason, StringComparison.Ordinal));
                var residential = result.Snapshot.Services.Where(s => s.ServiceTypes.Any(DirectoryCodes.IsResidential)).ToArray();
                Assert.Equal(ServiceCalibration.Facilities(jurisdiction), residential.Length);
                facilities += residential.Length;
                beds += residential.Sum(s => s.Capacities.Single().Maximum);
                available += residential.Sum(s => s.Capacities.Single().Available);
                full += residential.Count(s => s.Capacities.Single().Available == 0);
                var (readings, unreadable) = await new CsvCapacitySource(capacity).ReadAsync();
                Assert.Empty(unreadable);
                Assert.Equal(residential.Length * 35, readings.Count); // the first of every month, January 2024 to November 2026
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Published: about 6,500 beds, 78% occupied, 36% of facilities full. Fixed seeds; tolerances documented here.
        Assert.InRange(beds, 5_500, 7_500);
        Assert.InRange(1 - ((double)available / beds), 0.73, 0.83);
        Assert.InRange((double)full / facilities, 0.30, 0.42);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
