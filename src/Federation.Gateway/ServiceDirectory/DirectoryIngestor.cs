using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>
/// Accepts a signed directory release: verifies the signature and chain like a statistics submission, checks that
/// certificate and release name the same jurisdiction, validates with the SDK's <see cref="DirectoryValidator"/>
/// (the node's own rules), then appends in one transaction and tells watchers what changed. Every refusal is a
/// <see cref="RequestRefusedException"/> and nothing is written.
/// </summary>
public sealed partial class DirectoryIngestor
{
    private readonly SignedEnvelopeOpener _opener;
    private readonly DirectoryValidator _validator;
    private readonly IDirectoryStore _store;
    private readonly CurrentDirectories _directories;
    private readonly CapacityBroadcast _broadcast;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DirectoryIngestor> _logger;

    public DirectoryIngestor(
        SignedEnvelopeOpener opener,
        IDirectoryStore store,
        CurrentDirectories directories,
        CapacityBroadcast broadcast,
        TimeProvider timeProvider,
        ILogger<DirectoryIngestor> logger)
    {
        _opener = opener;
        _validator = new DirectoryValidator(timeProvider);
        _store = store;
        _directories = directories;
        _broadcast = broadcast;
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
        var stored = new NewDirectoryRelease(
            releaseId, release.Jurisdiction, release.ProducedAt.ToDateTimeOffset(), receivedAt, signer.Subject, signer.Thumbprint, bytes, signature);
        byte[] CreateReceipt(DirectoryAppendInfo info) => new DirectoryReceipt
        {
            ReleaseId = releaseId,
            Jurisdiction = release.Jurisdiction,
            ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
            SnapshotRevision = info.SnapshotRevision,
            SupersedesReleaseId = info.SupersedesReleaseId ?? string.Empty,
            Services = release.Snapshot?.Services.Count ?? 0,
            ReadingsApplied = info.ReadingsApplied,
            ReadingsOutdated = info.ReadingsOutdated,
        }.ToByteArray();

        IReadOnlyDictionary<string, Service> services;
        DirectoryAppendResult result;
        if (release.ContentCase == DirectoryRelease.ContentOneofCase.Snapshot)
        {
            services = release.Snapshot.Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
            var readings = release.Snapshot.Services.SelectMany(s => s.Capacities.Select(c => Reading(s, c))).ToArray();
            result = await _store.AppendSnapshotAsync(stored, readings, CreateReceipt, cancellationToken);
        }
        else
        {
            var current = await _directories.FindAsync(release.Jurisdiction, cancellationToken) ?? throw new RequestRefusedException(
                RefusalKind.FailedPrecondition,
                $"{release.Jurisdiction} has no directory snapshot yet: send a full snapshot before capacity updates.",
                "release.capacity_update");
            services = current.Services;
            var unknown = release.CapacityUpdate.Readings
                .Select((r, i) => (r, i))
                .Where(x => !current.Services.ContainsKey(x.r.ServiceId))
                .Select(x => new Sdk.Submissions.FieldViolation(
                    $"release.capacity_update.readings[{x.i}].service_id",
                    $"Service '{x.r.ServiceId}' is not in {release.Jurisdiction}'s current directory (snapshot revision {current.Revision})."))
                .ToArray();
            if (unknown.Length > 0)
            {
                throw new RequestRefusedException(RefusalKind.InvalidArgument, unknown[0].Description, unknown);
            }

            var readings = release.CapacityUpdate.Readings.Select(r => Reading(current.Services[r.ServiceId], r.Capacity)).ToArray();
            result = await _store.AppendCapacityUpdateAsync(stored, readings, CreateReceipt, cancellationToken);
        }

        switch (result.Outcome)
        {
            case DirectoryAppendOutcome.OlderThanCurrent:
                throw new RequestRefusedException(
                    RefusalKind.FailedPrecondition,
                    $"A directory snapshot of {release.Jurisdiction} produced at or after {release.ProducedAt.ToDateTimeOffset():u} is already current ({result.CurrentReleaseId}); an older snapshot cannot replace it.",
                    "release.produced_at");
            case DirectoryAppendOutcome.NoSnapshot:
                throw new RequestRefusedException(
                    RefusalKind.FailedPrecondition,
                    $"{release.Jurisdiction} has no directory snapshot yet: send a full snapshot before capacity updates.",
                    "release.capacity_update");
            case DirectoryAppendOutcome.AlreadyStored:
                LogDuplicate(releaseId, release.Jurisdiction);
                break;
            default:
                LogStored(releaseId, release.Jurisdiction, release.ContentCase, result.Changes.Count);
                _broadcast.Publish(result.Changes.Select(c => ToWatchResponse(c, services, receivedAt)));
                break;
        }

        return DirectoryReceipt.Parser.ParseFrom(result.ReceiptBytes);
    }

    internal static WatchCapacityResponse ToWatchResponse(CapacityChange change, IReadOnlyDictionary<string, Service> services, DateTimeOffset receivedAt)
    {
        var response = new WatchCapacityResponse
        {
            Jurisdiction = change.Jurisdiction,
            ServiceId = change.ServiceId,
            Capacity = change.Capacity,
            ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
        };
        if (change.PreviousAvailable is { } previous)
        {
            response.PreviousAvailable = previous;
        }

        if (services.TryGetValue(change.ServiceId, out var service))
        {
            response.ServiceName = service.Name;
            response.ServiceTypes.AddRange(service.ServiceTypes);
        }

        return response;
    }

    private static NewCapacityReading Reading(Service service, ServiceCapacity capacity) =>
        new(service.Id, capacity, service.ServiceTypes.FirstOrDefault(), service.ServiceTypes.Any(DirectoryCodes.IsResidential));

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored directory release {ReleaseId} ({Kind}) for {Jurisdiction}; {Changes} capacity change(s)")]
    private partial void LogStored(string releaseId, string jurisdiction, DirectoryRelease.ContentOneofCase kind, int changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory release {ReleaseId} from {Jurisdiction} was already stored; returned its receipt")]
    private partial void LogDuplicate(string releaseId, string jurisdiction);
}
