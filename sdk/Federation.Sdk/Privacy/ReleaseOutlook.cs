using Federation.Contracts.V1;

namespace Federation.Sdk.Privacy;

/// <summary>What a run does (or would do) with one reference year: its status, edition, release and cost.</summary>
/// <param name="ReferenceYear">The year.</param>
/// <param name="Status">Not due, unchanged, held until the next edition, first release or revision.</param>
/// <param name="Edition">The edition of the release sent (1 = first release); null when the year is not due.</param>
/// <param name="SpentRho">The budget (zCDP rho) the year had spent before this run.</param>
/// <param name="CostRho">What this release spends: zero unless it is a new release.</param>
/// <param name="BudgetRho">The year's budget.</param>
/// <param name="Release">The protected submission sent; null when the year is not due or refused.</param>
public sealed record ReleaseOutlook(
    int ReferenceYear,
    ReleaseStatus Status,
    int? Edition,
    Rational SpentRho,
    Rational CostRho,
    Rational BudgetRho,
    Submission? Release)
{
    /// <summary>Whether this year's new release would take it past its budget (it is not made; other years go ahead).</summary>
    public bool Refused => SpentRho + CostRho > BudgetRho;

    /// <summary>The budget the year has left after the run (unchanged when refused).</summary>
    public Rational RemainingRho => BudgetRho - SpentRho - (Refused ? Rational.Zero : CostRho);

    /// <summary>The refusal, as the run reports it.</summary>
    public BudgetShortfall Shortfall(string datasetId) => new(datasetId, ReferenceYear, CostRho, SpentRho, BudgetRho);
}

/// <summary>How a reference year stands against the publication calendar and the last release recorded in the ledger.</summary>
public enum ReleaseStatus
{
    /// <summary>The year's first edition is not due yet: nothing is released, whatever the data.</summary>
    NotDue,

    /// <summary>The counts are those of the last release: it is re-sent exactly as it was, spending nothing.</summary>
    Unchanged,

    /// <summary>The counts changed, but this edition was already released: the last release is re-sent until the next edition.</summary>
    HeldUntilNextEdition,

    /// <summary>No release of the year was made yet: the first, at the edition due.</summary>
    FirstRelease,

    /// <summary>The counts changed and a later edition is due: a revision, charged again.</summary>
    Revision,
}
