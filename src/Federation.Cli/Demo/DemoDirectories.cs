using System.Globalization;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Grpc.Net.Client;

namespace Federation.Cli.Demo;

/// <summary>The demo's service directories: each node publishes its synthetic directory and capacity feed; then a national capacity summary.</summary>
internal sealed class DemoDirectories(DemoLayout layout, TextWriter output, TimeProvider timeProvider)
{
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"Publishing {Jurisdiction.All.Count} service directories (synthetic, shaped by published figures) with live capacity:");
        var position = 0;
        var facilities = 0;
        foreach (var jurisdiction in Jurisdiction.All)
        {
            position++;
            var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
            var report = await new DirectoryRunner(configuration, timeProvider).RunAsync(cancellationToken);
            var residential = report.Snapshot.Services.Count(s => s.ServiceTypes.Any(Sdk.ServiceDirectory.DirectoryCodes.IsResidential));
            facilities += residential;
            var snapshot = report.SnapshotReceipt is { } receipt ? $"snapshot {receipt.SnapshotRevision} accepted" : "snapshot unchanged";
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  [{position,2}/{Jurisdiction.All.Count}] {jurisdiction} {report.Snapshot.Services.Count,4} services ({residential,3} residential, locations redacted), {snapshot}, {report.ReadingsSent,6} capacity counts sent, {report.Quarantined.Count} notes in state/directory/quarantine.csv"));
        }

        output.WriteLine($"  {facilities} residential facilities nationally.");
        output.WriteLine();
    }

    public static async Task PrintSummaryAsync(GrpcChannel channel, TextWriter output, CancellationToken cancellationToken)
    {
        var client = new DirectoryService.DirectoryServiceClient(channel);
        var summary = await client.CapacitySummaryAsync(
            new CapacitySummaryRequest { ServiceTypes = { ServiceType.EmergencyShelter, ServiceType.TransitionalHousing } },
            deadline: DateTime.UtcNow.AddSeconds(30),
            cancellationToken: cancellationToken);
        output.WriteLine();
        output.WriteLine("Safe housing now (emergency shelters and transitional housing, beds), by jurisdiction:");
        var table = new TextTable("jurisdiction", "name", "facilities", "beds", "available", "occupancy", "full", "stale");
        foreach (var group in summary.Rows.Where(r => r.Unit == CapacityUnit.Bed).GroupBy(r => r.Jurisdiction).OrderBy(g => g.Key.Length == 0).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var services = group.Sum(r => r.Services);
            var maximum = group.Sum(r => r.Maximum);
            var available = group.Sum(r => r.Available);
            var full = group.Sum(r => r.ServicesFull);

            // A sector row withheld (too few facilities) would make the jurisdiction's sums partial: withhold them all.
            var withheld = group.Any(r => r.Withheld);
            table.AddRow(
                group.Key.Length == 0 ? "CA" : group.Key,
                DirectoryResultWriter.NameOf(group.Key),
                services.ToString(CultureInfo.InvariantCulture),
                withheld ? "x" : maximum.ToString(CultureInfo.InvariantCulture),
                withheld ? "x" : available.ToString(CultureInfo.InvariantCulture),
                withheld ? "x" : (maximum == 0 ? 0 : 1 - ((double)available / maximum)).ToString("0%", CultureInfo.InvariantCulture),
                withheld ? "x" : $"{full} ({(services == 0 ? 0 : (double)full / services).ToString("0%", CultureInfo.InvariantCulture)})",
                withheld ? "x" : group.Sum(r => r.ServicesStale).ToString(CultureInfo.InvariantCulture));
        }

        table.Write(output);
        output.WriteLine($"Reporting: {summary.ReportingJurisdictions.Count}/{Jurisdiction.All.Count} jurisdictions. Synthetic directories: not real services.");
        if (summary.Disclosure is { Exact: false } disclosure)
        {
            output.WriteLine($"As an analyst sees it: x = withheld (a sector with fewer than {disclosure.MinimumServices} facilities), beds rounded to a multiple of {disclosure.Band}. "
                + "Each facility's exact capacity is for the referral desk: `fed services find --available` and `fed services watch` use its credentials.");
        }
    }
}
