using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// The gateway's control of the privacy budget, per dataset, jurisdiction and reference year: every release it accepted
/// spent the policy's release rho, and a new release that would take the year past the catalogue's budget is refused,
/// whatever the node's own ledger says (a node that deleted its ledger cannot buy more noisy looks at the same data).
/// Re-sending a release already accepted (the same submission id) costs nothing. Datasets protected without noise
/// (random rounding) keep no budget. Registered as an <see cref="IStatisticsAdmissionRule"/>, so it runs under the log's
/// single writer on the releases parsed from the log: two releases racing each other cannot both pass it.
/// </summary>
public sealed class PrivacyBudgetRule(DatasetCatalog catalog) : IStatisticsAdmissionRule
{
    /// <summary>The field a budget refusal names.</summary>
    public const string Field = "submission.reference_year";

    /// <summary>What accepting <paramref name="submissionId"/> costs, after checking it fits the budget.</summary>
    /// <param name="dataset">The catalogue's dataset (its policy sets the cost of a release and the budget).</param>
    /// <param name="jurisdiction">The jurisdiction released.</param>
    /// <param name="referenceYear">The reference year released.</param>
    /// <param name="submissionId">The release's id (SHA-256 of its submission bytes).</param>
    /// <param name="accepted">The releases already accepted for this dataset, jurisdiction and year.</param>
    /// <exception cref="RequestRefusedException">FailedPrecondition: the release would exceed the budget.</exception>
    public static Rational Check(
        DatasetDefinition dataset, string jurisdiction, int referenceYear, string submissionId, IReadOnlyList<string> accepted)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(accepted);
        var policy = dataset.Protection;
        if (!policy.IsNoise || accepted.Contains(submissionId, StringComparer.Ordinal))
        {
            return Rational.Zero;
        }

        var spent = policy.ReleaseRho * new Rational(accepted.Count, 1);
        var cost = policy.ReleaseRho;
        if (spent + cost > policy.BudgetRho)
        {
            throw new RequestRefusedException(
                RefusalKind.FailedPrecondition,
                $"Privacy budget exceeded for {dataset.Id} {jurisdiction} {referenceYear}: the budget is rho {policy.BudgetRho}, "
                + $"{accepted.Count} release(s) already accepted spent {spent}, and this release would cost {cost} more. "
                + "The gateway accepts no new release of this year; re-sending a release already accepted is free.",
                Field);
        }

        return cost;
    }

    /// <inheritdoc />
    public void Admit(Submission submission, string submissionId, IReadOnlyList<StatisticsRelease> accepted)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(accepted);
        Check(catalog.Get(submission.DatasetId), submission.Jurisdiction, submission.ReferenceYear, submissionId, accepted.Select(a => a.ReleaseId).ToArray());
    }
}
