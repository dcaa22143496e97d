using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Federation.Sdk.Transparency;
using Google.Protobuf;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Uploads directory snapshots and capacity updates from the outbox (DirectoryService.SubmitDirectory, with a
/// deadline) and keeps the receipt when it names the release sent and its transparency log checkpoint and inclusion
/// proof verify against the pinned log key (the leaf being the envelope sent, as a directory release).
/// </summary>
public sealed class DirectoryReleaseDelivery : IOutboxDelivery
{
    private readonly DirectoryService.DirectoryServiceClient _client;
    private readonly ReceiptVerifier _logVerifier;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;

    public DirectoryReleaseDelivery(DirectoryService.DirectoryServiceClient client, ReceiptVerifier logVerifier, TimeProvider timeProvider, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logVerifier);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _logVerifier = logVerifier;
        _timeProvider = timeProvider;
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
    }

    public bool Delivers(OutboxEntryKind kind) => kind is OutboxEntryKind.DirectorySnapshot or OutboxEntryKind.CapacityUpdate;

    public async Task<OutboxReceipt> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var response = await _client.SubmitDirectoryAsync(
            new SubmitDirectoryRequest { Envelope = entry.Envelope },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        var receipt = response.Receipt ?? throw new ReceiptRejectedException("The gateway answered without a directory receipt.");
        var expectedId = Convert.ToHexStringLower(SHA256.HashData(entry.Envelope.Submission.Span));
        if (receipt.ReleaseId != expectedId)
        {
            throw new ReceiptRejectedException($"The gateway's receipt names release {receipt.ReleaseId}, but {expectedId} was sent.");
        }

        var inclusion = _logVerifier.Verify(receipt, entry.Envelope);
        if (!inclusion.IsValid)
        {
            throw new ReceiptRejectedException(
                $"The gateway's receipt for directory release {receipt.ReleaseId} does not prove it was logged: {inclusion.Failure}. The receipt was not kept.");
        }

        return new OutboxReceipt(receipt.ToByteArray(), null, null, null);
    }
}
