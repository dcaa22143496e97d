using System.Globalization;
using Federation.Contracts.V1;
using Federation.Node.Adapters;
using Federation.Sdk.Adapters.Csv;
using Federation.Sdk.Client;
using Federation.Sdk.Hosting;
using Federation.Sdk.Publishing;
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

    private NodeStateLayout State => NodeStateLayout.Of(_configuration);

    /// <summary>Reads and validates the directory without sending anything.</summary>
    public async Task<DirectoryBuildResult> PrepareAsync(CancellationToken cancellationToken)
    {
        _ = _configuration.ServiceDirectory ?? throw new NodeConfigurationException("serviceDirectory: this node has no service directory configured.");
        var content = new DirectoryContent();
        using var sources = _sources.Create(NodeSourceKind.ServiceDirectory);
        foreach (var (_, reader) in sources.DirectorySources)
        {
            content.Add(await reader.ReadContentAsync(cancellationToken));
        }

        return new DirectorySnapshotBuilder(new DirectoryValidator(_timeProvider)).Build(_configuration.Jurisdiction, content);
    }

    /// <summary>Whether a run would send <paramref name="snapshot"/>: it differs from the last snapshot queued.</summary>
    public async Task<bool> IsNewSnapshotAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken)
    {
        var outbox = await Outbox.OpenExistingAsync(State.Root, _timeProvider, cancellationToken);
        var previous = await DirectoryPublisher.LastQueuedSnapshotAsync(outbox, cancellationToken);
        return !snapshot.Equals(previous);
    }

    /// <summary>
    /// Every directory item and capacity reading a run would hold back, with its reason: the directory's, and every
    /// reading of the capacity feed (not only those newer than the last sent). Sends nothing.
    /// </summary>
    public async Task<IReadOnlyList<QuarantinedRecord>> ValidateAsync(CancellationToken cancellationToken)
    {
        var built = await PrepareAsync(cancellationToken);
        var quarantined = new List<QuarantinedRecord>(built.Quarantined);
        if (_configuration.ServiceDirectory!.CapacityFeed is { } feed)
        {
            var (readings, unreadable) = await new CsvCapacitySource(_configuration.Resolve(feed)).ReadAsync(cancellationToken);
            quarantined.AddRange(unreadable);
            var known = built.Snapshot.Services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            quarantined.AddRange(new CapacityUpdateBuilder(new DirectoryValidator(_timeProvider)).Build(readings, known).Quarantined);
        }

        return quarantined;
    }

    /// <summary>
    /// Sends what earlier runs left in the outbox, then queues the snapshot (when changed) and the capacity updates and
    /// sends them. Throws <see cref="OutboxDeliveryException"/> when one was refused or is still pending after this run's attempts.
    /// </summary>
    public async Task<DirectoryRunReport> RunAsync(CancellationToken cancellationToken)
    {
        using var connection = await NodeGatewayConnection.OpenCheckedAsync(_configuration, _timeProvider, cancellationToken);
        using var outbox = await NodeOutbox.OpenAsync(_configuration, connection, _timeProvider, cancellationToken);
        await outbox.SendEarlierAsync(cancellationToken);
        var built = await PrepareAsync(cancellationToken);
        var quarantined = new List<QuarantinedRecord>(built.Quarantined);
        System.IO.Directory.CreateDirectory(State.ServiceDirectory);
        var publisher = outbox.Directory;

        var snapshotEntry = await publisher.QueueSnapshotAsync(
            _configuration.Jurisdiction, _configuration.NodeId, built.Snapshot, cancellationToken);
        var queued = snapshotEntry is null ? new List<OutboxEntry>() : [snapshotEntry];
        var requeued = await publisher.RequeueRefusedCapacityAsync(cancellationToken);

        var readingsSent = 0;
        if (_configuration.ServiceDirectory!.CapacityFeed is { } feed)
        {
            var watermarkFile = State.CapacityWatermarkFile;
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
                queued.Add(await publisher.QueueCapacityAsync(_configuration.Jurisdiction, _configuration.NodeId, new CapacityUpdate { Readings = { chunk } }, cancellationToken));
                readingsSent += chunk.Length;
            }

            // Moved once every update is queued: the outbox sends them whatever happens to this run. A node stopped
            // before this line queues the readings again next run, which the gateway keeps as history without
            // changing what is current.
            if (update.Update.Readings.Count > 0)
            {
                watermark = update.Update.Readings.Max(r => r.Capacity.Updated.ToDateTimeOffset());
                await File.WriteAllTextAsync(watermarkFile, watermark.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            }
        }

        queued.AddRange(requeued);
        var receipts = await publisher.DeliverAsync(queued, cancellationToken);
        var snapshotReceipt = snapshotEntry is null ? null : receipts[0];
        var capacityReceipts = receipts.Skip(snapshotEntry is null ? 0 : 1).ToArray();
        var report = QuarantineReport.Write(State.DirectoryQuarantineReport, quarantined);
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
