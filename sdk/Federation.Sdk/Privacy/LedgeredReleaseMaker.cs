using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Protection;
using Google.Protobuf;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Makes protected releases on the dataset's publication calendar, under the privacy ledger. Per reference year: nothing
/// before its first edition is due; the release already made when the counts are unchanged or this edition was already
/// released (a revision waits for the next scheduled edition); otherwise a new release, charged its rho unless that
/// would exceed the budget, when that year alone is refused and the others go ahead. The noise of a new release is
/// <see cref="ReleaseNoise"/>: a keyed function of the node key, dataset, jurisdiction, year, edition and counts, so a
/// preview, a retry or a run after the ledger was deleted makes exactly the same release; its production time is the
/// edition's due time, so even its bytes and submission id are the same. A dataset protected by random rounding
/// (no formal guarantee, no budget: each release costs rho 0) follows the same calendar, rounded with
/// <see cref="KeyedRandomRounding"/>, so whether and when its releases exist does not depend on the data either.
/// </summary>
public sealed class LedgeredReleaseMaker : IReleaseMaker
{
    private readonly DatasetDefinition _dataset;
    private readonly PrivacyLedger _ledger;
    private readonly byte[] _nodeKey;
    private readonly TimeProvider _timeProvider;

    public LedgeredReleaseMaker(DatasetDefinition dataset, PrivacyLedger ledger, byte[] nodeKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        CountsDigest.RequireNodeKey(nodeKey, nameof(nodeKey));

        _dataset = dataset;
        _ledger = ledger;
        _nodeKey = (byte[])nodeKey.Clone();
        _timeProvider = timeProvider;
    }

    /// <summary>The outlook of every reference year of the last <see cref="Make"/>: what was sent, held, not due or refused.</summary>
    public IReadOnlyList<ReleaseOutlook> Outlooks { get; private set; } = [];

    /// <summary>
    /// Makes the releases a run sends, charging every new one; refused and not-yet-due years send nothing.
    /// <paramref name="producedAt"/> is not used: a release is stamped with its edition's due time.
    /// </summary>
    public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        Outlooks = Outlook(years, jurisdiction, nodeId, charge: true);
        return Outlooks.Where(o => o.Release is not null).Select(o => o.Release!).ToArray();
    }

    /// <summary>What <see cref="Make"/> would send now, charging nothing: the same releases, noise included.</summary>
    public IReadOnlyList<ReleaseOutlook> Preview(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId) =>
        Outlook(years, jurisdiction, nodeId, charge: false);

    private ReleaseOutlook[] Outlook(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, bool charge)
    {
        ArgumentNullException.ThrowIfNull(years);
        var policy = _dataset.Protection;

        // Random rounding has no zCDP cost to account (and no budget): its releases are recorded at rho 0.
        var releaseRho = policy.IsNoise ? policy.ReleaseRho : Rational.Zero;
        var now = _timeProvider.GetUtcNow();
        return years.Select(counts =>
        {
            var year = counts.ReferenceYear;
            var spent = _ledger.Spent(_dataset.Id, year);
            if (_dataset.Calendar.EditionDue(year, now) is not { } edition)
            {
                return new ReleaseOutlook(year, ReleaseStatus.NotDue, null, spent, Rational.Zero, policy.BudgetRho, null);
            }

            var digest = CountsDigest.Compute(_nodeKey, _dataset, jurisdiction, counts);
            var last = _ledger.LastRelease(_dataset.Id, year);
            if (last is not null && (CountsDigest.AreEqual(last.CountsDigest, digest) || last.Edition >= edition))
            {
                var status = CountsDigest.AreEqual(last.CountsDigest, digest) ? ReleaseStatus.Unchanged : ReleaseStatus.HeldUntilNextEdition;
                return new ReleaseOutlook(year, status, last.Edition, spent, Rational.Zero, policy.BudgetRho, Submission.Parser.ParseFrom(last.Release));
            }

            var outlook = new ReleaseOutlook(
                year, last is null ? ReleaseStatus.FirstRelease : ReleaseStatus.Revision, edition, spent, releaseRho, policy.BudgetRho, null);
            if (outlook.Refused)
            {
                return outlook;
            }

            IProtectionMechanism protection = policy.IsNoise
                ? new PolicyNoise(policy, ReleaseNoise.For(_nodeKey, digest, edition))
                : new KeyedRandomRounding(_nodeKey, policy);

            // Stamped with the edition's due time, not the clock: the release's bytes, and so its submission id, are a
            // function of the counts and edition, and a node that lost its state sends the very release the gateway has.
            var release = new SubmissionBuilder(_dataset, protection).Build(counts, jurisdiction, nodeId, _dataset.Calendar.DueAt(year, edition));
            if (charge)
            {
                var bytes = release.ToByteArray();
                _ledger.Charge(
                    new LedgerEntry(_dataset.Id, year, releaseRho, now, Convert.ToHexStringLower(SHA256.HashData(bytes)), digest, bytes, edition),
                    policy.BudgetRho);
            }

            return outlook with { Release = release };
        }).ToArray();
    }
}
