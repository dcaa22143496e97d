using System.Globalization;

namespace Federation.Sdk.Catalog;

/// <summary>
/// What a dataset's reference year is: a calendar year (January to December) or a Canadian government fiscal year
/// (April to March, named by the year it starts in: 2023 is 2023/24). Submissions and queries carry the year as a number.
/// </summary>
public sealed class ReferencePeriodType
{
    public static readonly ReferencePeriodType CalendarYear = new("calendar-year", startMonth: 1);

    public static readonly ReferencePeriodType FiscalYear = new("fiscal-year", startMonth: 4);

    private ReferencePeriodType(string name, int startMonth)
    {
        Name = name;
        StartMonth = startMonth;
    }

    /// <summary>The name the catalogue uses ("calendar-year" or "fiscal-year").</summary>
    public string Name { get; }

    /// <summary>The month (1 to 12) a reference year starts in.</summary>
    public int StartMonth { get; }

    public static IReadOnlyList<ReferencePeriodType> All { get; } = [CalendarYear, FiscalYear];

    /// <summary>The period type the catalogue names <paramref name="name"/>, or null.</summary>
    public static ReferencePeriodType? Find(string? name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The reference year <paramref name="date"/> falls in.</summary>
    public int YearOf(DateOnly date) => date.Month >= StartMonth ? date.Year : date.Year - 1;

    /// <summary>The first day of reference year <paramref name="referenceYear"/>.</summary>
    public DateOnly Start(int referenceYear) => new(referenceYear, StartMonth, 1);

    /// <summary>When reference year <paramref name="referenceYear"/> closes (the first moment after it, UTC).</summary>
    public DateTimeOffset End(int referenceYear) =>
        new(Start(referenceYear).AddYears(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>How people write the year: "2023" for a calendar year, "2023/24" for a fiscal year.</summary>
    public string Label(int referenceYear) => StartMonth == 1
        ? referenceYear.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{referenceYear}/{(referenceYear + 1) % 100:00}");

    public override string ToString() => Name;
}
