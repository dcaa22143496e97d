using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Google.Protobuf;

namespace Federation.Sdk.Publishing;

/// <summary>
/// Signs protected submissions with the node key, uploads them with a deadline (the channel retries Unavailable) and
/// keeps the receipts. A release whose content equals the last one signed is not signed again: the same envelope is
/// re-sent, so the gateway answers with the receipt it already gave and counts it once. A receipt is kept only when
/// its gateway signature verifies and its transparency log checkpoint and inclusion proof verify against the pinned
/// log key; the signed receipt bytes and their signature are kept.
/// </summary>
public sealed class ReleasePublisher
{
    private readonly SubmissionService.SubmissionServiceClient _client;
    private readonly X509Certificate2 _signer;
    private readonly ReleaseArchive _archive;
    private readonly TimeProvider _timeProvider;
    private readonly ReceiptVerifier _logVerifier;
    private readonly ReceiptSignatureVerifier _signatureVerifier;
    private readonly TimeSpan _deadline;

    public ReleasePublisher(
        SubmissionService.SubmissionServiceClient client,
        X509Certificate2 signer,
        ReleaseArchive archive,
        TimeProvider timeProvider,
        ReceiptVerifier logVerifier,
        ReceiptSignatureVerifier signatureVerifier,
        TimeSpan? deadline = null)
    {
        _client = client;
        _signer = signer;
        _archive = archive;
        _timeProvider = timeProvider;
        _logVerifier = logVerifier;
        _signatureVerifier = signatureVerifier;
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Signs (or reuses) and uploads one release; returns the receipt, already kept in the archive.</summary>
    public async Task<PublishedRelease> PublishAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var unchanged = ReuseUnchanged(submission);
        var envelope = unchanged ?? Sign(submission);
        var response = await _client.SubmitAsync(
            new SubmitRequest { Envelope = envelope },
            deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline),
            cancellationToken: cancellationToken);
        var receipt = response.Receipt ?? throw new InvalidOperationException("The gateway answered without a receipt.");
        var expectedId = Convert.ToHexStringLower(SHA256.HashData(envelope.Submission.Span));
        if (receipt.SubmissionId != expectedId)
        {
            throw new InvalidOperationException(
                $"The gateway's receipt names submission {receipt.SubmissionId}, but {expectedId} was sent. The receipt was not kept.");
        }

        var signature = _signatureVerifier.Verify(response);
        if (!signature.IsValid)
        {
            throw new InvalidOperationException($"{signature.Message} The receipt for submission {receipt.SubmissionId} was not kept.");
        }

        var inclusion = _logVerifier.Verify(receipt, envelope);
        if (!inclusion.IsValid)
        {
            throw new InvalidOperationException(
                $"The gateway's receipt for submission {receipt.SubmissionId} does not prove it was logged: {inclusion.Failure}. The receipt was not kept.");
        }

        _archive.SaveSignedReceipt(receipt, response.SignedReceipt.ToByteArray(), response.ReceiptSignature.ToByteArray());
        return new PublishedRelease(receipt, Reused: unchanged is not null);
    }

    private SignedEnvelope? ReuseUnchanged(Submission submission)
    {
        var last = _archive.FindLastEnvelope(submission.DatasetId, submission.ReferenceYear);
        if (last is null)
        {
            return null;
        }

        var previous = Submission.Parser.ParseFrom(last.Submission);
        var comparable = previous.Clone();
        comparable.ProducedAt = submission.ProducedAt;
        return comparable.Equals(submission) ? last : null;
    }

    private SignedEnvelope Sign(Submission submission)
    {
        var bytes = submission.ToByteArray();
        var envelope = new SignedEnvelope
        {
            Submission = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SubmissionSigner.Sign(bytes, _signer, _timeProvider.GetUtcNow())),
        };
        _archive.SaveEnvelope(submission.DatasetId, submission.ReferenceYear, envelope);
        return envelope;
    }
}

/// <summary>A release the gateway accepted; <see cref="Reused"/> when the unchanged last envelope was re-sent.</summary>
public sealed record PublishedRelease(Receipt Receipt, bool Reused);
