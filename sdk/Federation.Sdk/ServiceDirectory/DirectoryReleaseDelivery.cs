using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Publishing;
using Google.Protobuf;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Uploads directory snapshots and capacity updates from the outbox (DirectoryService.SubmitDirectory, with a
/// deadline) and keeps the receipt when it names the release sent.
/// </summary>
public sealed class DirectoryReleaseDelivery : IOutboxDelivery
{
    private readonly DirectoryService.DirectoryServiceClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;

    public DirectoryReleaseDelivery(DirectoryService.DirectoryServiceClient client, TimeProvider timeProvider, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
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

        return new OutboxReceipt(receipt.ToByteArray(), null, null, null);
    }
}
