using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;

namespace Federation.Node;

/// <summary>
/// One run's use of the node's outbox (<c>state/outbox.db</c>): an uploader that sends statistics and directory
/// releases over the node's connection and keeps verified receipts, and the publishers that sign and queue into it.
/// Every run first sends what earlier runs left pending (<see cref="SendEarlierAsync"/>), before preparing anything new.
/// </summary>
public sealed class NodeOutbox : IDisposable
{
    private readonly LogVerifierKey _logKey;

    private NodeOutbox(LogVerifierKey logKey, OutboxUploader uploader, ReleasePublisher statistics, DirectoryPublisher directory)
    {
        _logKey = logKey;
        Uploader = uploader;
        Statistics = statistics;
        Directory = directory;
    }

    public OutboxUploader Uploader { get; }

    /// <summary>Signs (or reuses) and queues statistics releases, and delivers them.</summary>
    public ReleasePublisher Statistics { get; }

    /// <summary>Signs and queues directory snapshots and capacity updates, and delivers them.</summary>
    public DirectoryPublisher Directory { get; }

    public static async Task<NodeOutbox> OpenAsync(
        NodeConfiguration configuration, NodeGatewayConnection connection, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(connection);
        var stateDirectory = NodeStateLayout.Of(configuration).Root;
        var outbox = await Outbox.OpenAsync(stateDirectory, timeProvider, cancellationToken);
        var logKey = LogVerifierKey.Load(configuration.Resolve(configuration.Gateway.LogVerifierKey));
        var archive = new ReleaseArchive(stateDirectory);
        var uploader = new OutboxUploader(
            outbox,
            [
                new SubmissionDelivery(
                    new SubmissionService.SubmissionServiceClient(connection.Channel),
                    new TransparencyLogService.TransparencyLogServiceClient(connection.Channel),
                    archive,
                    new ReceiptVerifier(logKey),
                    new ReceiptSignatureVerifier(connection.Trust, timeProvider),
                    timeProvider),
                new DirectoryReleaseDelivery(new DirectoryService.DirectoryServiceClient(connection.Channel), new ReceiptVerifier(logKey), timeProvider),
            ],
            timeProvider,
            configuration.Outbox?.ToPolicy(),
            renewAccess: connection.RenewAccessToken);
        return new NodeOutbox(
            logKey,
            uploader,
            new ReleasePublisher(connection.Signer, uploader, timeProvider),
            new DirectoryPublisher(connection.Signer, uploader, timeProvider));
    }

    /// <summary>
    /// Sends, in order, what earlier runs queued and did not deliver (a run that failed, a node killed mid-upload).
    /// Entries the gateway refuses now are reported when this run delivers its own releases.
    /// </summary>
    public Task<OutboxDrainResult> SendEarlierAsync(CancellationToken cancellationToken) => Uploader.DrainAsync(cancellationToken);

    public void Dispose() => _logKey.Dispose();
}
