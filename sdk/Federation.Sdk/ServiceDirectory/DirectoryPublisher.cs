using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Signs directory releases like statistics (CMS detached over the exact release bytes, node key) and uploads them
/// with a deadline. A release that breaks a directory rule is never signed.
/// </summary>
public sealed class DirectoryPublisher
{
    private readonly Contracts.V1.DirectoryService.DirectoryServiceClient _client;
    private readonly X509Certificate2 _signer;
    private readonly DirectoryValidator _validator;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;

    public DirectoryPublisher(
        Contracts.V1.DirectoryService.DirectoryServiceClient client,
        X509Certificate2 signer,
        TimeProvider timeProvider,
        TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _signer = signer;
        _timeProvider = timeProvider;
        _validator = new DirectoryValidator(timeProvider);
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
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

    /// <summary>Signs and uploads a release; returns the gateway's receipt after checking it names what was sent.</summary>
    public async Task<DirectoryReceipt> PublishAsync(DirectoryRelease release, CancellationToken cancellationToken = default)
    {
        var envelope = Sign(release);
        var response = await _client.SubmitDirectoryAsync(
            new SubmitDirectoryRequest { Envelope = envelope },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        var receipt = response.Receipt ?? throw new InvalidOperationException("The gateway answered without a receipt.");
        var expectedId = Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span));
        if (receipt.ReleaseId != expectedId)
        {
            throw new InvalidOperationException($"The gateway's receipt names release {receipt.ReleaseId}, but {expectedId} was sent.");
        }

        return receipt;
    }
}
