using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Sdk.Signing;
using Federation.Sdk.Submissions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// Accepts a signed envelope: verifies the signature and the chain to the federation root, checks that certificate
/// and payload name the same jurisdiction, validates the submission against the catalogue, then appends it to the log
/// (<see cref="ReleaseAppender"/> decides duplicates, revisions and older releases). Every refusal is a
/// <see cref="RequestRefusedException"/> and nothing is written.
/// </summary>
public sealed partial class SubmissionIngestor
{
    private readonly SignedEnvelopeOpener _opener;
    private readonly SubmissionValidator _validator;
    private readonly ReleaseAppender _appender;
    private readonly IReadOnlyList<IStatisticsAdmissionRule> _admissionRules;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SubmissionIngestor> _logger;

    public SubmissionIngestor(
        SignedEnvelopeOpener opener,
        SubmissionValidator validator,
        ReleaseAppender appender,
        IEnumerable<IStatisticsAdmissionRule> admissionRules,
        TimeProvider timeProvider,
        ILogger<SubmissionIngestor> logger)
    {
        _opener = opener;
        _validator = validator;
        _appender = appender;
        _admissionRules = admissionRules.ToArray();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task<Receipt> IngestAsync(SignedEnvelope? envelope, CancellationToken cancellationToken) =>
        IngestAsync(envelope, authorizeSigner: null, cancellationToken);

    /// <summary>
    /// Ingests an envelope; <paramref name="authorizeSigner"/> (the caller's identity check) runs once the signature is
    /// verified and before anything else is looked at, and refuses by throwing <see cref="RequestRefusedException"/>.
    /// </summary>
    public async Task<Receipt> IngestAsync(
        SignedEnvelope? envelope,
        Func<SignatureVerification, CancellationToken, Task>? authorizeSigner,
        CancellationToken cancellationToken)
    {
        var opened = await _opener.OpenAsync<Submission>(envelope, s => s.Jurisdiction, "submission.jurisdiction", authorizeSigner, cancellationToken);
        var (submission, submissionBytes, signature, verification) = opened;

        var violations = await _opener.CheckAsync(() => _validator.Validate(submission), cancellationToken);
        if (violations.Count > 0)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                $"The submission does not conform to {submission.DatasetId}: {violations[0].Description}" +
                (violations.Count > 1 ? $" (and {violations.Count - 1} more violation(s))" : string.Empty),
                violations);
        }

        var submissionId = Convert.ToHexStringLower(SHA256.HashData(submissionBytes));
        var receivedAt = _timeProvider.GetUtcNow();
        var signer = verification.SignerCertificate!;
        var release = new ReleaseToAppend(
            LeafKind.StatisticsRelease,
            submissionId,
            SeriesKey.Statistics(submission.DatasetId, submission.Jurisdiction, submission.ReferenceYear),
            submission.ProducedAt.ToDateTimeOffset(),
            signer.Subject,
            signer.Thumbprint,
            submissionBytes,
            signature)
        {
            Message = submission,
        };

        var result = await _appender.AppendAsync(
            release,
            (snapshot, _) => Admit(submission, submissionId, ServedStatistics.AcceptedReleases(snapshot, submission.DatasetId, submission.Jurisdiction, submission.ReferenceYear)),
            (decision, log) => new Receipt
            {
                SubmissionId = submissionId,
                DatasetId = submission.DatasetId,
                Jurisdiction = submission.Jurisdiction,
                ReferenceYear = submission.ReferenceYear,
                ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
                Revision = decision.Revision,
                SupersedesSubmissionId = decision.CurrentReleaseId ?? string.Empty,
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
                    $"A release of {submission.DatasetId} for {submission.Jurisdiction} {submission.ReferenceYear} produced at or after " +
                    $"{submission.ProducedAt.ToDateTimeOffset():u} is already current ({result.CurrentReleaseId}); an older release cannot supersede it.",
                    "submission.produced_at");
            case AppendOutcome.AlreadyStored:
                LogDuplicate(submissionId, submission.Jurisdiction);
                break;
            default:
                LogStored(submissionId, submission.DatasetId, submission.Jurisdiction, submission.ReferenceYear);
                break;
        }

        return Receipt.Parser.ParseFrom(result.ReceiptBytes);
    }

    // Under the log's single writer, after the duplicate and "older than current" checks.
    private void Admit(Submission submission, string submissionId, IReadOnlyList<StatisticsRelease> accepted)
    {
        foreach (var rule in _admissionRules)
        {
            rule.Admit(submission, submissionId, accepted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored submission {SubmissionId} of {DatasetId} for {Jurisdiction} {ReferenceYear}")]
    private partial void LogStored(string submissionId, string datasetId, string jurisdiction, int referenceYear);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {SubmissionId} from {Jurisdiction} was already stored; returned its receipt")]
    private partial void LogDuplicate(string submissionId, string jurisdiction);
}
