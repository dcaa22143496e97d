using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Protection;
using Google.Protobuf;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Makes noisy releases under the privacy ledger. A year whose counts are unchanged since its last release (same keyed
/// digest) gets that release back exactly as it was, spending nothing: fresh noise on unchanged data would let repeated
/// runs average it away. A year whose counts changed gets fresh noise and is charged the release's rho, unless that
/// would exceed the budget: then the whole run is refused before any noise is drawn or anything is signed.
/// </summary>
public sealed class LedgeredReleaseMaker : IReleaseMaker
{
    private readonly DatasetDefinition _dataset;
    private readonly SubmissionBuilder _builder;
    private readonly PrivacyLedger _ledger;
    private readonly byte[] _digestKey;
    private readonly TimeProvider _timeProvider;

    public LedgeredReleaseMaker(
        DatasetDefinition dataset,
        IProtectionMechanism noise,
        PrivacyLedger ledger,
        byte[] digestKey,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(digestKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!dataset.Protection.IsNoise)
        {
            throw new ArgumentException($"Dataset '{dataset.Id}' is protected by {dataset.Protection}, which spends no privacy budget.", nameof(dataset));
        }

        _dataset = dataset;
        _builder = new SubmissionBuilder(dataset, noise);
        _ledger = ledger;
        _digestKey = (byte[])digestKey.Clone();
        _timeProvider = timeProvider;
    }

    public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        ArgumentNullException.ThrowIfNull(years);
        var policy = _dataset.Protection;
        var plan = years.Select(counts =>
        {
            var digest = CountsDigest.Compute(_digestKey, _dataset, jurisdiction, counts);
            var last = _ledger.LastRelease(_dataset.Id, counts.ReferenceYear);
            var reusable = last is not null && CountsDigest.AreEqual(last.CountsDigest, digest) ? last : null;
            return (Counts: counts, Digest: digest, Reusable: reusable);
        }).ToArray();

        var shortfalls = plan
            .Where(p => p.Reusable is null)
            .Select(p => new BudgetShortfall(_dataset.Id, p.Counts.ReferenceYear, policy.ReleaseRho, _ledger.Spent(_dataset.Id, p.Counts.ReferenceYear), policy.BudgetRho))
            .Where(s => s.Spent + s.Cost > s.Budget)
            .ToArray();
        if (shortfalls.Length > 0)
        {
            throw new PrivacyBudgetExceededException(shortfalls);
        }

        var submissions = new List<Submission>(plan.Length);
        foreach (var (counts, digest, reusable) in plan)
        {
            if (reusable is not null)
            {
                submissions.Add(Submission.Parser.ParseFrom(reusable.Release));
                continue;
            }

            var submission = _builder.Build(counts, jurisdiction, nodeId, producedAt);
            var bytes = submission.ToByteArray();
            _ledger.Charge(
                new LedgerEntry(
                    _dataset.Id,
                    counts.ReferenceYear,
                    policy.ReleaseRho,
                    _timeProvider.GetUtcNow(),
                    Convert.ToHexStringLower(SHA256.HashData(bytes)),
                    digest,
                    bytes),
                policy.BudgetRho);
            submissions.Add(submission);
        }

        return submissions;
    }
}
