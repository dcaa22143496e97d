namespace Federation.Sdk.Catalog;

/// <summary>
/// When a reference year may be released and revised: its editions, each due a fixed number of months after the year
/// closes. A node releases a year at the first edition that is due and revises it only at a later edition, whatever its
/// run schedule; before the first edition the year is not released at all. The calendar is public, so whether and when
/// a release exists never depends on the data.
/// </summary>
public sealed class PublicationCalendar
{
    /// <exception cref="ArgumentException">No edition, a negative lag, or lags that do not increase.</exception>
    public PublicationCalendar(IReadOnlyList<int> editionMonthsAfterYearEnd, ReferencePeriodType? periodType = null)
    {
        ArgumentNullException.ThrowIfNull(editionMonthsAfterYearEnd);
        if (FindProblem(editionMonthsAfterYearEnd) is { } problem)
        {
            throw new ArgumentException(problem, nameof(editionMonthsAfterYearEnd));
        }

        EditionMonthsAfterYearEnd = [.. editionMonthsAfterYearEnd];
        PeriodType = periodType ?? ReferencePeriodType.CalendarYear;
    }

    /// <summary>The reference period whose close the editions count from (a calendar year closes 1 January, a fiscal year 1 April).</summary>
    public ReferencePeriodType PeriodType { get; }

    /// <summary>For edition n (1-based), at index n - 1: how many months after the reference year closes it is due.</summary>
    public IReadOnlyList<int> EditionMonthsAfterYearEnd { get; }

    /// <summary>How many editions a reference year has: its first release and each scheduled revision.</summary>
    public int Editions => EditionMonthsAfterYearEnd.Count;

    /// <summary>When <paramref name="edition"/> (1-based) of <paramref name="referenceYear"/> is due (UTC).</summary>
    public DateTimeOffset DueAt(int referenceYear, int edition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(edition, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(edition, Editions);
        return PeriodType.End(referenceYear).AddMonths(EditionMonthsAfterYearEnd[edition - 1]);
    }

    /// <summary>The latest edition of <paramref name="referenceYear"/> due at <paramref name="now"/>, or null when none is due yet.</summary>
    public int? EditionDue(int referenceYear, DateTimeOffset now)
    {
        int? due = null;
        for (var edition = 1; edition <= Editions && DueAt(referenceYear, edition) <= now; edition++)
        {
            due = edition;
        }

        return due;
    }

    /// <summary>What is wrong with a list of edition lags, or null.</summary>
    public static string? FindProblem(IReadOnlyList<int> editionMonthsAfterYearEnd)
    {
        if (editionMonthsAfterYearEnd.Count == 0)
        {
            return "publicationCalendar.editions needs at least one edition (the first release).";
        }

        for (var i = 0; i < editionMonthsAfterYearEnd.Count; i++)
        {
            var months = editionMonthsAfterYearEnd[i];
            if (months < 0 || (i > 0 && months <= editionMonthsAfterYearEnd[i - 1]))
            {
                return $"publicationCalendar.editions[{i}].monthsAfterYearEnd must be at least 0 and later than the edition before it; it is {months}.";
            }
        }

        return null;
    }

    public override string ToString() =>
        string.Join(", ", EditionMonthsAfterYearEnd.Select((m, i) => $"edition {i + 1} at {m} months after the year closes"));
}
