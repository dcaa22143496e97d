using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Google.Protobuf;

namespace Federation.Sdk.Publishing;

/// <summary>
/// Uploads statistics entries (SubmissionService.Submit, with a deadline) and keeps a receipt only when it names the
/// submission sent, its gateway signature verifies and its transparency log checkpoint and inclusion proof verify
/// against the pinned log key. The receipt is also written to the <see cref="ReleaseArchive"/> (JSON, signed bytes,
/// signature) before the outbox marks the entry delivered, so a node killed in between re-sends and rewrites the same files.
/// </summary>
/// <remarks>
/// A node that lost its state signs its unchanged releases again: the same submission bytes under a new CMS signature
/// (its signing time differs). The gateway, which deduplicates by submission id, answers with the receipt of the
/// envelope it logged first, whose leaf is that envelope's. Such a receipt is kept only when the log's entry at its
/// leaf holds exactly the submission bytes sent and the inclusion proof verifies for that entry: the log then holds
/// this very release, and nothing else is stored.
/// </remarks>
public sealed class SubmissionDelivery : IOutboxDelivery
{
    private readonly SubmissionService.SubmissionServiceClient _client;
    private readonly ReleaseArchive _archive;
    private readonly ReceiptVerifier _logVerifier;
    private readonly ReceiptSignatureVerifier _signatureVerifier;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;
    private readonly TransparencyLogService.TransparencyLogServiceClient _log;

    public SubmissionDelivery(
        SubmissionService.SubmissionServiceClient client,
        TransparencyLogService.TransparencyLogServiceClient log,
        ReleaseArchive archive,
        ReceiptVerifier logVerifier,
        ReceiptSignatureVerifier signatureVerifier,
        TimeProvider timeProvider,
        TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(logVerifier);
        ArgumentNullException.ThrowIfNull(signatureVerifier);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _archive = archive;
        _logVerifier = logVerifier;
        _signatureVerifier = signatureVerifier;
        _timeProvider = timeProvider;
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
        _log = log;
    }

    public bool Delivers(OutboxEntryKind kind) => kind == OutboxEntryKind.Statistics;

    public async Task<OutboxReceipt> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var envelope = entry.Envelope;
        var response = await _client.SubmitAsync(
            new SubmitRequest { Envelope = envelope },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        var receipt = response.Receipt ?? throw new ReceiptRejectedException("The gateway answered without a receipt.");
        var expectedId = Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span));
        if (receipt.SubmissionId != expectedId)
        {
            throw new ReceiptRejectedException(
                $"The gateway's receipt names submission {receipt.SubmissionId}, but {expectedId} was sent. The receipt was not kept.");
        }

        var signature = _signatureVerifier.Verify(response);
        if (!signature.IsValid)
        {
            throw new ReceiptRejectedException($"{signature.Message} The receipt for submission {receipt.SubmissionId} was not kept.");
        }

        var inclusion = _logVerifier.Verify(receipt, envelope);
        if (!inclusion.IsValid && !receipt.LeafHash.Span.SequenceEqual(LogLeaf.Hash(envelope))
            && await FindLoggedEarlierAsync(receipt, envelope, cancellationToken) is { } logged)
        {
            inclusion = _logVerifier.Verify(receipt, logged);
        }

        if (!inclusion.IsValid)
        {
            throw new ReceiptRejectedException(
                $"The gateway's receipt for submission {receipt.SubmissionId} does not prove it was logged: {inclusion.Failure}. The receipt was not kept.");
        }

        var signedReceipt = response.SignedReceipt.ToByteArray();
        var receiptSignature = response.ReceiptSignature.ToByteArray();
        _archive.SaveSignedReceipt(receipt, signedReceipt, receiptSignature);
        return new OutboxReceipt(receipt.ToByteArray(), signedReceipt, receiptSignature, (long)receipt.LeafIndex);
    }

    /// <summary>
    /// The envelope the log holds at the receipt's leaf when it carries exactly the submission bytes of
    /// <paramref name="sent"/> under another signature (the same release, signed earlier); otherwise null.
    /// </summary>
    private async Task<SignedEnvelope?> FindLoggedEarlierAsync(Receipt receipt, SignedEnvelope sent, CancellationToken cancellationToken)
    {
        var entries = await _log.GetEntriesAsync(
            new GetEntriesRequest { Start = receipt.LeafIndex, End = receipt.LeafIndex + 1 },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        if (entries.Entries.Count != 1 || entries.Entries[0].LeafIndex != receipt.LeafIndex)
        {
            return null;
        }

        SignedEnvelope logged;
        try
        {
            logged = SignedEnvelope.Parser.ParseFrom(entries.Entries[0].Entry);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        return logged.Content == sent.Content && logged.Submission.Equals(sent.Submission) ? logged : null;
    }
}
