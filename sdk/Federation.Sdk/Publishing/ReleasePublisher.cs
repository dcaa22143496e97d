using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Signing;
using Google.Protobuf;

namespace Federation.Sdk.Publishing;

/// <summary>
/// Signs protected submissions with the node key and queues them in the node's <see cref="Outbox"/> before anything is
/// uploaded; the <see cref="OutboxUploader"/> then sends them and keeps the verified receipts. Nothing is signed twice
/// for the same content: a release whose content equals the newest one queued for its dataset and year (pending or
/// delivered) reuses that envelope, so the gateway answers with the receipt it already gave and counts it once, and a
/// release still pending is not signed again. An envelope the gateway refused is never reused. When it was refused for
/// who signed or sent it (a revoked or expired certificate, a mismatched signature) the same release is signed again
/// with the node's current key and queued anew, so no year stays stuck and no budget is spent on it; when it was refused
/// for its data (<see cref="OutboxEntry.RefusedForData"/>) the same release is not signed or sent again (the gateway
/// would refuse it again): it stays refused, and reported, until the source changes and the release with it.
/// </summary>
public sealed class ReleasePublisher
{
    private readonly X509Certificate2 _signer;
    private readonly OutboxUploader _uploader;
    private readonly TimeProvider _timeProvider;

    /// <param name="signer">The node's signing certificate with its private key.</param>
    /// <param name="uploader">The uploader of the node's outbox (one per run).</param>
    /// <param name="timeProvider">The clock of the signing time.</param>
    public ReleasePublisher(X509Certificate2 signer, OutboxUploader uploader, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(uploader);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _signer = signer;
        _uploader = uploader;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Signs (or reuses) a release and queues it as pending; nothing is sent. A release equal to one refused for its
    /// data is not queued: the refused entry is returned, still failed.
    /// </summary>
    public async Task<QueuedRelease> QueueAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var outbox = _uploader.Outbox;
        var latest = await outbox.FindLatestAsync(OutboxEntryKind.Statistics, submission.DatasetId, submission.ReferenceYear, cancellationToken);
        if (latest is { State: OutboxEntryState.Failed, RefusedForData: true } && SameContent(latest.Envelope, submission))
        {
            return new QueuedRelease(latest, Reused: true, Resigned: false);
        }

        var candidate = latest is { State: OutboxEntryState.Failed } ? null : latest?.Envelope;
        var reused = candidate is not null && SameContent(candidate, submission);
        var envelope = reused ? candidate! : Sign(submission);
        var entry = await outbox.AddAsync(OutboxEntryKind.Statistics, submission.DatasetId, submission.ReferenceYear, envelope, cancellationToken);
        var resigned = latest is { State: OutboxEntryState.Failed } && SameContent(latest.Envelope, submission);
        return new QueuedRelease(entry, reused, resigned);
    }

    /// <summary>
    /// Queues every release, then sends everything pending; returns the receipts in the order of
    /// <paramref name="submissions"/>. Throws <see cref="OutboxDeliveryException"/> when one was not delivered.
    /// </summary>
    public async Task<IReadOnlyList<PublishedRelease>> PublishAsync(IEnumerable<Submission> submissions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var queued = new List<QueuedRelease>();
        foreach (var submission in submissions)
        {
            queued.Add(await QueueAsync(submission, cancellationToken));
        }

        var delivered = await _uploader.DeliverAsync(queued.Select(q => q.Entry).ToArray(), cancellationToken);
        return delivered.Select((entry, i) => new PublishedRelease(entry.StatisticsReceipt!, Delivery(queued[i], entry))).ToArray();
    }

    private ReleaseDelivery Delivery(QueuedRelease queued, OutboxEntry delivered) => queued switch
    {
        { Resigned: true } => ReleaseDelivery.Resigned,
        { Reused: false } => ReleaseDelivery.SignedAndSent,
        _ when _uploader.DeliveredThisRun(delivered.Id) => ReleaseDelivery.Resent,
        _ => ReleaseDelivery.AlreadyDelivered,
    };

    /// <summary>Queues and sends one release; see <see cref="PublishAsync(IEnumerable{Submission}, CancellationToken)"/>.</summary>
    public async Task<PublishedRelease> PublishAsync(Submission submission, CancellationToken cancellationToken = default) =>
        (await PublishAsync(new[] { submission }, cancellationToken))[0];

    // The production time is when the content was first released, so it does not count as a change.
    private static bool SameContent(SignedEnvelope envelope, Submission submission)
    {
        var previous = Submission.Parser.ParseFrom(envelope.Submission);
        previous.ProducedAt = submission.ProducedAt;
        return previous.Equals(submission);
    }

    private SignedEnvelope Sign(Submission submission)
    {
        var bytes = submission.ToByteArray();
        return new SignedEnvelope
        {
            Submission = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SubmissionSigner.Sign(bytes, _signer, _timeProvider.GetUtcNow())),
        };
    }
}

/// <summary>
/// A release in the outbox; <see cref="Reused"/> when an envelope already signed for the same content was taken,
/// <see cref="Resigned"/> when the same content was refused by the gateway earlier and is signed again now.
/// </summary>
public sealed record QueuedRelease(OutboxEntry Entry, bool Reused, bool Resigned);

/// <summary>A release the gateway accepted, and how this run delivered it.</summary>
public sealed record PublishedRelease(Receipt Receipt, ReleaseDelivery Delivery)
{
    /// <summary>Whether an envelope signed earlier was used (re-sent now, or delivered before this run).</summary>
    public bool Reused => Delivery is ReleaseDelivery.Resent or ReleaseDelivery.AlreadyDelivered;

    /// <summary>Whether this run uploaded it (the gateway answered this run).</summary>
    public bool SentThisRun => Delivery != ReleaseDelivery.AlreadyDelivered;
}

/// <summary>How a run delivered a release.</summary>
public enum ReleaseDelivery
{
    /// <summary>Signed and sent by this run: a new release, or one the node had no record of sending.</summary>
    SignedAndSent,

    /// <summary>Refused by the gateway earlier (not for its content): signed again with the current key and sent.</summary>
    Resigned,

    /// <summary>Signed by an earlier run and left pending; sent by this run.</summary>
    Resent,

    /// <summary>Unchanged and delivered by an earlier run: its receipt is kept, nothing was sent again.</summary>
    AlreadyDelivered,
}
