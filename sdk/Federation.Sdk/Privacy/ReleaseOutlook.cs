using Federation.Contracts.V1;

namespace Federation.Sdk.Privacy;

/// <summary>What a run would do with one reference year, as a preview shows it: the release, where its noise comes from, and its cost.</summary>
/// <param name="ReferenceYear">The year released.</param>
/// <param name="Status">Whether the year's counts are unchanged since its last release, released for the first time or revised.</param>
/// <param name="Noise">Where the protected values come from.</param>
/// <param name="SpentRho">The budget (zCDP rho) the year has spent so far.</param>
/// <param name="CostRho">What this release would spend: zero when unchanged.</param>
/// <param name="BudgetRho">The year's budget.</param>
/// <param name="Release">The protected submission the run would send; null when the run would be refused (no noise is drawn then).</param>
public sealed record ReleaseOutlook(
    int ReferenceYear,
    ReleaseStatus Status,
    NoiseOrigin Noise,
    Rational SpentRho,
    Rational CostRho,
    Rational BudgetRho,
    Submission? Release)
{
    /// <summary>Whether this year's release would take it past its budget (a run then sends nothing at all).</summary>
    public bool Refused => SpentRho + CostRho > BudgetRho;

    /// <summary>The budget the year would have left after the run (unchanged when refused).</summary>
    public Rational RemainingRho => BudgetRho - SpentRho - (Refused ? Rational.Zero : CostRho);
}

/// <summary>How a year's counts stand against the last release recorded in the ledger.</summary>
public enum ReleaseStatus
{
    /// <summary>The counts are those of the last release: it is re-sent exactly as it was, spending nothing.</summary>
    Unchanged,

    /// <summary>No release of the year was made yet.</summary>
    FirstRelease,

    /// <summary>The counts changed since the last release: a revision, charged again.</summary>
    Revision,
}

/// <summary>Where the protected values of a year's release come from.</summary>
public enum NoiseOrigin
{
    /// <summary>The release already sent (recorded in the ledger).</summary>
    SentBefore,

    /// <summary>A draft an earlier preview drew for the same counts.</summary>
    EarlierPreview,

    /// <summary>Drawn by this preview and kept as a draft for the next run.</summary>
    DrawnNow,

    /// <summary>Not drawn: the run would be refused for exceeding the budget.</summary>
    NotDrawn,
}
