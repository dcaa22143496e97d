using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Accepts a signed directory release: verifies the signature and chain like a statistics submission, checks that
/// certificate and release name the same jurisdiction, validates with the SDK's <see cref="DirectoryValidator"/>
/// (the node's own rules), then appends in one transaction; watchers hear of the changes from
/// <see cref="ServedDirectories"/> once the leaf is served. Every refusal is a <see cref="RequestRefusedException"/>
/// and nothing is written.
/// </summary>
public sealed partial class DirectoryIngestor
{
    private readonly SignedEnvelopeOpener _opener;
    private readonly DirectoryValidator _validator;
    private readonly ReleaseAppender _appender;
    private readonly ServedDirectories _directories;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DirectoryIngestor> _logger;

    public DirectoryIngestor(
        SignedEnvelopeOpener opener,
        ReleaseAppender appender,
        ServedDirectories directories,
        TimeProvider timeProvider,
        ILogger<DirectoryIngestor> logger)
    {
        _opener = opener;
        _validator = new DirectoryValidator(timeProvider);
        _appender = appender;
        _directories = directories;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Ingests a directory release; <paramref name="authorizeSigner"/> (the caller's identity check, the same one
    /// statistics submissions get) runs once the signature is verified, and refuses by throwing.
    /// </summary>
    public async Task<DirectoryReceipt> IngestAsync(
        SignedEnvelope? envelope,
        Func<SignatureVerification, CancellationToken, Task> authorizeSigner,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorizeSigner);
        var opened = await _opener.OpenAsync<DirectoryRelease>(envelope, r => r.Jurisdiction, "release.jurisdiction", authorizeSigner, cancellationToken);
        var (release, bytes, signature, verification) = opened;
        var signer = verification.SignerCertificate!;
        var violations = _validator.Validate(release);
        if (violations.Count > 0)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                $"The directory release is not valid: {violations[0].Field}: {violations[0].Description}" +
                (violations.Count > 1 ? $" (and {violations.Count - 1} more violation(s))" : string.Empty),
                violations);
        }

        var releaseId = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var receivedAt = _timeProvider.GetUtcNow();
        var isSnapshot = release.ContentCase == DirectoryRelease.ContentOneofCase.Snapshot;
        var toAppend = new ReleaseToAppend(
            LeafKind.DirectoryRelease,
            releaseId,
            isSnapshot ? SeriesKey.DirectorySnapshots(release.Jurisdiction) : null,
            release.ProducedAt.ToDateTimeOffset(),
            signer.Subject,
            signer.Thumbprint,
            bytes,
            signature)
        {
            // A capacity update is decided on the jurisdiction's directory: never in one batch with another release of it.
            DecisionScope = SeriesKey.DirectorySnapshots(release.Jurisdiction),
            Message = release,
        };
        CapacityEvaluation? evaluation = null;
        var snapshotRevision = 0;

        // Under the log's single writer, on the directory as the log's latest leaf leaves it.
        void Admit(ServedSnapshot snapshot, SeriesDecision decision)
        {
            var (current, evaluated) = _directories.Evaluate(snapshot, release);
            if (!isSnapshot)
            {
                CheckServicesAreCurrent(release, current);
            }

            evaluation = evaluated;
            snapshotRevision = isSnapshot ? decision.Revision : current!.Revision;
        }

        var result = await _appender.AppendAsync(
            toAppend,
            Admit,
            (decision, log) => new DirectoryReceipt
            {
                ReleaseId = releaseId,
                Jurisdiction = release.Jurisdiction,
                ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
                SnapshotRevision = snapshotRevision,
                SupersedesReleaseId = isSnapshot ? decision.CurrentReleaseId ?? string.Empty : string.Empty,
                Services = release.Snapshot?.Services.Count ?? 0,
                ReadingsApplied = evaluation!.Changes.Count,
                ReadingsOutdated = evaluation.Outdated,
                LeafIndex = (ulong)log.LeafIndex,
                LeafHash = ByteString.CopyFrom(log.LeafHash),
                TreeSize = (ulong)log.TreeSize,
                Checkpoint = log.Checkpoint,
                InclusionProof = { log.Proof.Select(ByteString.CopyFrom) },
            }.ToByteArray(),
            cancellationToken);

        switch (result.Outcome)
        {
            case AppendOutcome.OlderThanCurrent:
                throw new RequestRefusedException(
                    RefusalKind.FailedPrecondition,
                    $"A directory snapshot of {release.Jurisdiction} produced at or after {release.ProducedAt.ToDateTimeOffset():u} is already current ({result.CurrentReleaseId}); an older snapshot cannot replace it.",
                    "release.produced_at");
            case AppendOutcome.AlreadyStored:
                LogDuplicate(releaseId, release.Jurisdiction);
                break;
            default:
                LogStored(releaseId, release.Jurisdiction, release.ContentCase, evaluation!.Changes.Count);

                // Watchers get the changes when the served directory applies the new leaf, as for another replica's leaves.
                await _directories.CatchUpAsync(cancellationToken);
                break;
        }

        return DirectoryReceipt.Parser.ParseFrom(result.ReceiptBytes);
    }

    // A capacity update needs a snapshot, and may only count capacities of services in it.
    private static void CheckServicesAreCurrent(DirectoryRelease release, DirectoryLogRelease? current)
    {
        if (current is null)
        {
            throw new RequestRefusedException(
                RefusalKind.FailedPrecondition,
                $"{release.Jurisdiction} has no directory snapshot yet: send a full snapshot before capacity updates.",
                "release.capacity_update");
        }

        var services = current.Release.Snapshot.Services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = release.CapacityUpdate.Readings
            .Select((r, i) => (r, i))
            .Where(x => !services.Contains(x.r.ServiceId))
            .Select(x => new Sdk.Submissions.FieldViolation(
                $"release.capacity_update.readings[{x.i}].service_id",
                $"Service '{x.r.ServiceId}' is not in {release.Jurisdiction}'s current directory (snapshot revision {current.Revision})."))
            .ToArray();
        if (unknown.Length > 0)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, unknown[0].Description, unknown);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored directory release {ReleaseId} ({Kind}) for {Jurisdiction}; {Changes} capacity change(s)")]
    private partial void LogStored(string releaseId, string jurisdiction, DirectoryRelease.ContentOneofCase kind, int changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory release {ReleaseId} from {Jurisdiction} was already stored; returned its receipt")]
    private partial void LogDuplicate(string releaseId, string jurisdiction);
}
