using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Signs directory releases like statistics (CMS detached over the exact release bytes, node key) and queues them in
/// the node's <see cref="Outbox"/>, which sends them with <see cref="DirectoryReleaseDelivery"/>. A release that
/// breaks a directory rule is never signed; a snapshot equal to the newest one queued is not signed again. Refusals
/// follow the statistics' rule (<see cref="ReleasePublisher"/>): a release refused for who signed or sent it is signed
/// again and queued anew, snapshot and capacity update alike; one refused for its data is not sent again.
/// </summary>
public sealed class DirectoryPublisher
{
    private readonly X509Certificate2 _signer;
    private readonly OutboxUploader _uploader;
    private readonly DirectoryValidator _validator;
    private readonly TimeProvider _timeProvider;

    public DirectoryPublisher(X509Certificate2 signer, OutboxUploader uploader, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(uploader);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _signer = signer;
        _uploader = uploader;
        _timeProvider = timeProvider;
        _validator = new DirectoryValidator(timeProvider);
    }

    /// <summary>A release of the whole directory.</summary>
    public DirectoryRelease CreateSnapshotRelease(string jurisdiction, string nodeId, DirectorySnapshot snapshot) =>
        new() { Jurisdiction = jurisdiction, NodeId = nodeId, ProducedAt = Timestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()), Snapshot = snapshot };

    /// <summary>A capacity-only release.</summary>
    public DirectoryRelease CreateCapacityRelease(string jurisdiction, string nodeId, CapacityUpdate update) =>
        new() { Jurisdiction = jurisdiction, NodeId = nodeId, ProducedAt = Timestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()), CapacityUpdate = update };

    /// <summary>The signed envelope of a release; throws <see cref="InvalidDataException"/> naming the first broken rule.</summary>
    public SignedEnvelope Sign(DirectoryRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var violations = _validator.Validate(release);
        if (violations.Count > 0)
        {
            throw new InvalidDataException(
                $"The directory release breaks {violations.Count} rule(s) and was not signed. First: {violations[0].Field}: {violations[0].Description}");
        }

        var bytes = release.ToByteArray();
        return new SignedEnvelope
        {
            Submission = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SubmissionSigner.Sign(bytes, _signer, _timeProvider.GetUtcNow())),
        };
    }

    /// <summary>
    /// Signs and queues a snapshot unless it equals the newest snapshot queued (pending or delivered); returns the new
    /// entry, or null when unchanged. A snapshot equal to the newest one, refused for its data, is not signed again:
    /// that failed entry is returned.
    /// </summary>
    public async Task<OutboxEntry?> QueueSnapshotAsync(
        string jurisdiction, string nodeId, DirectorySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var latest = await _uploader.Outbox.FindLatestAsync(OutboxEntryKind.DirectorySnapshot, cancellationToken: cancellationToken);
        if (latest is { State: OutboxEntryState.Failed, RefusedForData: true } && snapshot.Equals(DirectoryRelease.Parser.ParseFrom(latest.Envelope.Submission).Snapshot))
        {
            return latest;
        }

        var previous = await LastQueuedSnapshotAsync(_uploader.Outbox, cancellationToken);
        return snapshot.Equals(previous)
            ? null
            : await _uploader.Outbox.AddAsync(
                OutboxEntryKind.DirectorySnapshot, null, null, Sign(CreateSnapshotRelease(jurisdiction, nodeId, snapshot)), cancellationToken);
    }

    /// <summary>
    /// The snapshot a new one is compared with: the newest queued (pending or delivered) in <paramref name="outbox"/>;
    /// null when there is none, or after a refusal (the next snapshot is signed again).
    /// </summary>
    public static async Task<DirectorySnapshot?> LastQueuedSnapshotAsync(Outbox? outbox, CancellationToken cancellationToken = default)
    {
        var latest = outbox is null ? null : await outbox.FindLatestAsync(OutboxEntryKind.DirectorySnapshot, cancellationToken: cancellationToken);
        return latest switch
        {
            null or { State: OutboxEntryState.Failed } => null,
            _ => DirectoryRelease.Parser.ParseFrom(latest.Envelope.Submission).Snapshot,
        };
    }

    /// <summary>
    /// Signs again, with the node's current key, every capacity update the gateway refused for who signed or sent it
    /// and queues it anew (the same release bytes: readings and production time), unless it already is; returns the
    /// entries queued. Capacity updates refused for their data stay refused.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> RequeueRefusedCapacityAsync(CancellationToken cancellationToken = default)
    {
        var outbox = _uploader.Outbox;
        var live = (await outbox.ListAsync(cancellationToken: cancellationToken))
            .Where(e => e.State != OutboxEntryState.Failed)
            .Select(e => e.SubmissionId)
            .ToHashSet(StringComparer.Ordinal);
        var queued = new List<OutboxEntry>();
        foreach (var refused in await outbox.ListAsync(OutboxEntryState.Failed, cancellationToken))
        {
            if (refused.Kind != OutboxEntryKind.CapacityUpdate || refused.RefusedForData || !live.Add(refused.SubmissionId))
            {
                continue;
            }

            SignedEnvelope envelope;
            try
            {
                envelope = Sign(DirectoryRelease.Parser.ParseFrom(refused.Envelope.Submission));
            }
            catch (InvalidDataException)
            {
                // It breaks a directory rule now (a reading grown too old): the gateway would refuse it for its data.
                continue;
            }

            queued.Add(await outbox.AddAsync(OutboxEntryKind.CapacityUpdate, null, null, envelope, cancellationToken));
        }

        return queued;
    }

    /// <summary>Signs and queues a capacity update.</summary>
    public Task<OutboxEntry> QueueCapacityAsync(string jurisdiction, string nodeId, CapacityUpdate update, CancellationToken cancellationToken = default) =>
        _uploader.Outbox.AddAsync(
            OutboxEntryKind.CapacityUpdate, null, null, Sign(CreateCapacityRelease(jurisdiction, nodeId, update)), cancellationToken);

    /// <summary>
    /// Sends everything pending and returns the receipts of <paramref name="queued"/> in order; throws
    /// <see cref="OutboxDeliveryException"/> when one was not delivered.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryReceipt>> DeliverAsync(IReadOnlyList<OutboxEntry> queued, CancellationToken cancellationToken = default) =>
        (await _uploader.DeliverAsync(queued, cancellationToken)).Select(e => e.DirectoryReceipt!).ToArray();
}
