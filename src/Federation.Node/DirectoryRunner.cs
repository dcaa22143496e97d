using System.Globalization;
using Federation.Contracts.V1;
using Federation.Node.Adapters;
using Federation.Sdk.Adapters.Csv;
using Federation.Sdk.Client;
using Federation.Sdk.Hosting;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Trust;
using Federation.Sdk.Validation;
using Google.Protobuf;

namespace Federation.Node;

/// <summary>
/// Publishes a node's service directory: reads its directory sources, validates and quarantines, redacts
/// residential locations, signs and uploads a full snapshot when the directory changed, then sends the capacity
/// feed's counts newer than the last ones sent as small capacity-only updates.
/// </summary>
public sealed class DirectoryRunner
{
    /// <summary>Capacity readings per update; keeps each release far below the gateway's message limit.</summary>
    public const int ReadingsPerUpdate = 5_000;

    private readonly NodeConfiguration _configuration;
    private readonly TimeProvider _timeProvider;
    private readonly NodeSourceFactory _sources;

    /// <summary>A runner whose sources come from <paramref name="sources"/>, else from the configuration's adapters.</summary>
    public DirectoryRunner(NodeConfiguration configuration, TimeProvider timeProvider, NodeSourceFactory? sources = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _timeProvider = timeProvider;
        _sources = sources ?? new NodeSourceFactory(configuration, timeProvider);
    }

    private string StateDirectory => Path.Combine(_configuration.Resolve(_configuration.StateDirectory), "directory");

    /// <summary>Reads and validates the directory without sending anything.</summary>
    public async Task<DirectoryBuildResult> PrepareAsync(CancellationToken cancellationToken)
    {
        _ = _configuration.ServiceDirectory ?? throw new NodeConfigurationException("serviceDirectory: this node has no service directory configured.");
        var content = new DirectoryContent();
        using var sources = _sources.Create(NodeSourceKind.ServiceDirectory);
        foreach (var (_, reader) in sources.DirectorySources)
        {
            content.Add(await reader.ReadAsync(cancellationToken));
        }

        return new DirectorySnapshotBuilder(new DirectoryValidator(_timeProvider)).Build(_configuration.Jurisdiction, content);
    }

    public async Task<DirectoryRunReport> RunAsync(CancellationToken cancellationToken)
    {
        var built = await PrepareAsync(cancellationToken);
        var quarantined = new List<QuarantinedRecord>(built.Quarantined);
        System.IO.Directory.CreateDirectory(StateDirectory);
        using var connection = NodeGatewayConnection.Open(_configuration, _timeProvider);
        var publisher = new DirectoryPublisher(new DirectoryService.DirectoryServiceClient(connection.Channel), connection.Signer, _timeProvider);

        // The snapshot goes out only when it differs from the last one accepted.
        DirectoryReceipt? snapshotReceipt = null;
        var lastSnapshot = Path.Combine(StateDirectory, "snapshot.bin");
        if (!File.Exists(lastSnapshot) || !DirectorySnapshot.Parser.ParseFrom(await File.ReadAllBytesAsync(lastSnapshot, cancellationToken)).Equals(built.Snapshot))
        {
            snapshotReceipt = await publisher.PublishAsync(
                publisher.CreateSnapshotRelease(_configuration.Jurisdiction, _configuration.NodeId, built.Snapshot), cancellationToken);
            await File.WriteAllBytesAsync(lastSnapshot, built.Snapshot.ToByteArray(), cancellationToken);
        }

        var capacityReceipts = new List<DirectoryReceipt>();
        var readingsSent = 0;
        if (_configuration.ServiceDirectory!.CapacityFeed is { } feed)
        {
            var watermarkFile = Path.Combine(StateDirectory, "capacity.watermark");
            var watermark = File.Exists(watermarkFile)
                ? DateTimeOffset.Parse(await File.ReadAllTextAsync(watermarkFile, cancellationToken), CultureInfo.InvariantCulture)
                : DateTimeOffset.MinValue;
            var (readings, unreadable) = await new CsvCapacitySource(_configuration.Resolve(feed)).ReadAsync(cancellationToken);
            quarantined.AddRange(unreadable);
            var known = built.Snapshot.Services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var update = new CapacityUpdateBuilder(new DirectoryValidator(_timeProvider))
                .Build(readings.Where(r => r.Capacity.Updated.ToDateTimeOffset() > watermark).OrderBy(r => r.Capacity.Updated.ToDateTimeOffset()), known);
            quarantined.AddRange(update.Quarantined);
            foreach (var chunk in update.Update.Readings.Chunk(ReadingsPerUpdate))
            {
                var release = publisher.CreateCapacityRelease(_configuration.Jurisdiction, _configuration.NodeId, new CapacityUpdate { Readings = { chunk } });
                capacityReceipts.Add(await publisher.PublishAsync(release, cancellationToken));
                readingsSent += chunk.Length;
            }

            // Moved only once every update was accepted: after a failure all is sent again, which the gateway keeps
            // as history without changing what is current.
            if (update.Update.Readings.Count > 0)
            {
                watermark = update.Update.Readings.Max(r => r.Capacity.Updated.ToDateTimeOffset());
                await File.WriteAllTextAsync(watermarkFile, watermark.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            }
        }

        var report = QuarantineReport.Write(Path.Combine(StateDirectory, "quarantine.csv"), quarantined);
        return new DirectoryRunReport(_configuration.Jurisdiction, built.Snapshot, snapshotReceipt, capacityReceipts, readingsSent, quarantined, report);
    }
}

/// <summary>What one directory run did: the snapshot (and its receipt when sent), capacity updates sent, parts quarantined.</summary>
public sealed record DirectoryRunReport(
    string Jurisdiction,
    DirectorySnapshot Snapshot,
    DirectoryReceipt? SnapshotReceipt,
    IReadOnlyList<DirectoryReceipt> CapacityReceipts,
    int ReadingsSent,
    IReadOnlyList<QuarantinedRecord> Quarantined,
    string QuarantineReportPath);
