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
public sealed class SubmissionDelivery : IOutboxDelivery
{
    private readonly SubmissionService.SubmissionServiceClient _client;
    private readonly ReleaseArchive _archive;
    private readonly ReceiptVerifier _logVerifier;
    private readonly ReceiptSignatureVerifier _signatureVerifier;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;
    private readonly TransparencyLogService.TransparencyLogServiceClient? _log;

    /// <summary>
    /// A delivery over <paramref name="client"/>. With <paramref name="log"/>, a receipt for a release the gateway logged
    /// earlier in another envelope (the same submission signed again after the node lost or restored its state) is
    /// kept once the logged envelope, read from the log, holds exactly the submission sent.
    /// </summary>
    public SubmissionDelivery(
        SubmissionService.SubmissionServiceClient client,
        ReleaseArchive archive,
        ReceiptVerifier logVerifier,
        ReceiptSignatureVerifier signatureVerifier,
        TimeProvider timeProvider,
        TimeSpan? deadline = null,
        TransparencyLogService.TransparencyLogServiceClient? log = null)
    {
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

        var inclusion = _logVerifier.Verify(receipt, await LoggedEnvelopeAsync(receipt, envelope, cancellationToken));
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
    /// The envelope the receipt's leaf must be: the one sent, or, when the gateway recognised the submission as one it
    /// logged earlier in another envelope (signatures differ each time a release is signed), that logged envelope,
    /// provided it holds byte for byte the submission sent. Anything else stays the envelope sent, and fails.
    /// </summary>
    private async Task<SignedEnvelope> LoggedEnvelopeAsync(Receipt receipt, SignedEnvelope sent, CancellationToken cancellationToken)
    {
        if (_log is null || receipt.LeafHash.Span.SequenceEqual(LogLeaf.Hash(sent)))
        {
            return sent;
        }

        var entries = await _log.GetEntriesAsync(
            new GetEntriesRequest { Start = receipt.LeafIndex, End = receipt.LeafIndex + 1 },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        var entry = entries.Entries.FirstOrDefault(e => e.LeafIndex == receipt.LeafIndex);
        if (entry is null)
        {
            return sent;
        }

        var logged = SignedEnvelope.Parser.ParseFrom(entry.Entry);
        return logged.Submission.Span.SequenceEqual(sent.Submission.Span) && logged.Content == sent.Content ? logged : sent;
    }
}
