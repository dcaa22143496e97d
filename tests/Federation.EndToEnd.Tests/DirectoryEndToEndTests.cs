using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

public sealed class DirectoryEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Nodes_publish_directories_over_grpc_and_fed_services_shows_all_13_jurisdictions()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var sent = 0;
        foreach (var jurisdiction in Jurisdiction.All)
        {
            var report = await new DirectoryRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration(jurisdiction)), TimeProvider.System)
                .RunAsync(CancellationToken.None);
            Assert.NotNull(report.SnapshotReceipt);
            Assert.All(report.Snapshot.Services.Where(s => s.ServiceTypes.Contains(ServiceType.EmergencyShelter)), s =>
                Assert.All(report.Snapshot.ServiceAtLocations.Where(l => l.ServiceId == s.Id), l =>
                    Assert.Equal(Location.KindOneofCase.Redacted, report.Snapshot.Locations.Single(x => x.Id == l.LocationId).KindCase)));
            sent += report.ReadingsSent;
        }

        Assert.True(sent > 0);
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "services", "capacity", "--data", fixture.Layout.Root, "--type", "emergency_shelter");
        Assert.True(exitCode == 0, error);
        foreach (var jurisdiction in Jurisdiction.All)
        {
            Assert.Contains($"\n{jurisdiction} ", output, StringComparison.Ordinal);
        }

        Assert.Contains("Reporting: 13/13 jurisdictions", output, StringComparison.Ordinal);

        (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "services", "find", "--data", fixture.Layout.Root, "--jurisdiction", "ON", "--format", "csv", "--limit", "50");
        Assert.True(exitCode == 0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(50, rows.Length);
        Assert.All(rows, r => Assert.Equal("ON", r[0]));
        Assert.Contains(rows, r => r[4] == "room" && int.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture) > 0);

        // The same search as the analyst: by capacity it is refused naming the scope; without, no capacity is shown.
        (exitCode, _, error) = await ExternalProcess.RunFedAsync(
            Timeout, "services", "find", "--data", fixture.Layout.Root, "--credentials", fixture.Layout.AnalystCredentials, "--jurisdiction", "ON", "--available");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("federation.referral", error, StringComparison.Ordinal);
        (exitCode, output, error) = await ExternalProcess.RunFedAsync(
            Timeout, "services", "find", "--data", fixture.Layout.Root, "--credentials", fixture.Layout.AnalystCredentials, "--jurisdiction", "ON", "--format", "csv");
        Assert.True(exitCode == 0, error);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(l => l.Split(',')), r => Assert.Equal(["x", "x", "x", "x"], r[4..8]));

        (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "services", "coverage", "--data", fixture.Layout.Root, "--year", "2024", "--format", "csv");
        Assert.True(exitCode == 0, error);
        var coverage = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("year,jurisdiction,victims_identified,safe-housing_beds,time_full,services_observed,victims_per_100_beds", coverage[0]);
        Assert.Equal(14, coverage.Length - 1);
        Assert.All(coverage.Skip(1), line => Assert.NotEqual("..", line.Split(',')[3]));
    }

    [Fact]
    public async Task A_node_run_again_sends_nothing_new_and_the_national_picture_is_unchanged()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var configuration = NodeConfiguration.Load(fixture.Layout.NodeConfiguration("PE"));
        await new DirectoryRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);
        using var channel = GatewayChannel.Create(fixture.Address, FederationTrust.FromPemFile(fixture.Layout.RootCertificate), tokens: fixture.Referral);
        var client = new DirectoryService.DirectoryServiceClient(channel);
        var before = await client.CapacitySummaryAsync(new CapacitySummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        var again = await new DirectoryRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Null(again.SnapshotReceipt);
        Assert.Equal(0, again.ReadingsSent);
        var after = await client.CapacitySummaryAsync(new CapacitySummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(before.Rows, after.Rows);
    }
}
