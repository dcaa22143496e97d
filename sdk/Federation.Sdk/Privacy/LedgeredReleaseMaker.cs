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
/// runs average it away. A year whose counts changed is charged the release's rho, unless that would exceed the budget:
/// then the whole run is refused before any noise is drawn or anything is signed. Its noise is the draft a preview drew
/// for the same counts when there is one (so the run sends exactly what was previewed), else drawn fresh.
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

    /// <summary>Makes the releases a run sends, charging every one that is not unchanged (the draft it used is dropped).</summary>
    public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        var plan = Plan(years, jurisdiction, nodeId);
        var shortfalls = plan.Where(p => p.Refused).Select(p => p.Shortfall).ToArray();
        if (shortfalls.Length > 0)
        {
            throw new PrivacyBudgetExceededException(shortfalls);
        }

        var submissions = new List<Submission>(plan.Length);
        foreach (var year in plan)
        {
            if (year.Unchanged is { } last)
            {
                _ledger.DiscardDraft(_dataset.Id, year.Counts.ReferenceYear);
                submissions.Add(Submission.Parser.ParseFrom(last.Release));
                continue;
            }

            var submission = year.Draft is { } draft
                ? Submission.Parser.ParseFrom(draft.Release)
                : _builder.Build(year.Counts, jurisdiction, nodeId, producedAt);
            var bytes = submission.ToByteArray();
            _ledger.Charge(
                new LedgerEntry(
                    _dataset.Id,
                    year.Counts.ReferenceYear,
                    year.Shortfall.Cost,
                    _timeProvider.GetUtcNow(),
                    Convert.ToHexStringLower(SHA256.HashData(bytes)),
                    year.Digest,
                    bytes),
                year.Shortfall.Budget);
            submissions.Add(submission);
        }

        return submissions;
    }

    /// <summary>
    /// What <see cref="Make"/> would send, charging nothing: unchanged years as recorded; changed years from the draft
    /// kept for their counts, else with noise drawn now and kept as a draft for the next run. When any year would be
    /// refused, no noise is drawn and changed years have no release.
    /// </summary>
    public IReadOnlyList<ReleaseOutlook> Preview(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        var plan = Plan(years, jurisdiction, nodeId);
        var refused = plan.Any(p => p.Refused);
        var outlooks = new List<ReleaseOutlook>(plan.Length);
        foreach (var year in plan)
        {
            var referenceYear = year.Counts.ReferenceYear;
            var status = year.Unchanged is not null ? ReleaseStatus.Unchanged
                : year.Shortfall.Spent > Rational.Zero ? ReleaseStatus.Revision
                : ReleaseStatus.FirstRelease;
            Submission? release;
            NoiseOrigin origin;
            if (year.Unchanged is { } last)
            {
                _ledger.DiscardDraft(_dataset.Id, referenceYear);
                (release, origin) = (Submission.Parser.ParseFrom(last.Release), NoiseOrigin.SentBefore);
            }
            else if (refused)
            {
                (release, origin) = (null, NoiseOrigin.NotDrawn);
            }
            else if (year.Draft is { } draft)
            {
                (release, origin) = (Submission.Parser.ParseFrom(draft.Release), NoiseOrigin.EarlierPreview);
            }
            else
            {
                release = _builder.Build(year.Counts, jurisdiction, nodeId, producedAt);
                _ledger.SaveDraft(new ReleaseDraft(_dataset.Id, referenceYear, _timeProvider.GetUtcNow(), year.Digest, release.ToByteArray()));
                origin = NoiseOrigin.DrawnNow;
            }

            outlooks.Add(new ReleaseOutlook(referenceYear, status, origin, year.Shortfall.Spent, year.Shortfall.Cost, year.Shortfall.Budget, release));
        }

        return outlooks;
    }

    private YearPlan[] Plan(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(years);
        var policy = _dataset.Protection;
        return years.Select(counts =>
        {
            var digest = CountsDigest.Compute(_digestKey, _dataset, jurisdiction, counts);
            var last = _ledger.LastRelease(_dataset.Id, counts.ReferenceYear);
            var unchanged = last is not null && CountsDigest.AreEqual(last.CountsDigest, digest) ? last : null;
            var draft = _ledger.FindDraft(_dataset.Id, counts.ReferenceYear);
            var usableDraft = unchanged is null && draft is not null && CountsDigest.AreEqual(draft.CountsDigest, digest)
                && Submission.Parser.ParseFrom(draft.Release).NodeId == nodeId
                ? draft
                : null;
            var cost = unchanged is null ? policy.ReleaseRho : Rational.Zero;
            var shortfall = new BudgetShortfall(_dataset.Id, counts.ReferenceYear, cost, _ledger.Spent(_dataset.Id, counts.ReferenceYear), policy.BudgetRho);
            return new YearPlan(counts, digest, unchanged, usableDraft, shortfall);
        }).ToArray();
    }

    private sealed record YearPlan(YearCounts Counts, string Digest, LedgerEntry? Unchanged, ReleaseDraft? Draft, BudgetShortfall Shortfall)
    {
        public bool Refused => Shortfall.Spent + Shortfall.Cost > Shortfall.Budget;
    }
}
