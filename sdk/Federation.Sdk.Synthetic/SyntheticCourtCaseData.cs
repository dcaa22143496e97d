using System.Globalization;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Synthetic;

/// <summary>
/// Synthetic adult criminal court cases with a human trafficking charge (trafficking.prosecutions.v1), in the CSV
/// adapter's default columns for that dataset (named like the catalogue's record fields). Shaped by published figures
/// and approximate by design, never official statistics: Statistics Canada, Juristat "Trafficking in persons in Canada,
/// 2020" (Conroy and Sutton, catalogue 85-002-X, June 2022): 834 completed adult court cases with at least one human
/// trafficking charge from 2009/10 to 2019/20 (about 76 a year); a guilty decision as the most serious decision in
/// 12%; cases took almost twice as long to complete as violent cases; 81% of accused persons men, most often aged 18 to
/// 24 (41%) then 25 to 34 (36%). Sentence, custody length and offence shares are assumptions (marked below).
/// </summary>
public static class SyntheticCourtCaseData
{
    /// <summary>The columns, in the order written.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["case_id", "decision_date", "first_appearance_date", "decision", "most_serious_offence", "sentence", "custody_days", "accused_gender", "accused_birth_date"];

    /// <summary>Completed cases a year in Canada, 2009/10 to 2019/20 (834 over eleven fiscal years).</summary>
    public const int NationalCasesPerYear = 76;

    /// <summary>The number of valid cases <see cref="WriteCsv"/> writes for a jurisdiction and fiscal year.</summary>
    public static int ExpectedCases(string jurisdiction, int fiscalYear) =>
        VictimCalibration.Apportion(NationalCasesPerYear, fiscalYear).TryGetValue(jurisdiction, out var count)
            ? count
            : throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));

    /// <summary>
    /// Writes the cases decided in each of <paramref name="fiscalYears"/> (2023 is April 2023 to March 2024), plus one
    /// invalid row (an unknown decision) per 40 cases so quarantine is exercised. The same arguments give the same file.
    /// Returns the rows written, not counting the header.
    /// </summary>
    public static int WriteCsv(string path, string jurisdiction, IReadOnlyList<int> fiscalYears, int seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(fiscalYears);
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));
        }

        var random = new Random(seed);
        using var writer = CsvText.Create(path);
        CsvText.WriteLine(writer, Columns);
        var rows = 0;
        foreach (var year in fiscalYears)
        {
            var cases = ExpectedCases(jurisdiction, year);
            var invalid = (cases + 20) / 40;
            for (var i = 0; i < cases + invalid; i++)
            {
                var fields = Case(random, $"{jurisdiction}-{year}-C{i + 1:D4}", year);
                if (i >= cases)
                {
                    fields[3] = "CONVICTED"; // not a code of the decision dimension: quarantined
                }

                CsvText.WriteLine(writer, fields);
                rows++;
            }
        }

        return rows;
    }

    private static string[] Case(Random random, string caseId, int fiscalYear)
    {
        var decided = ReferencePeriodType.FiscalYear.Start(fiscalYear).AddDays(random.Next(365));
        // Processing time: most cases take more than four months and many over a year (about twice violent cases').
        var days = WeightedChoice.Pick(random, (random.Next(30, 121), 0.15), (random.Next(121, 366), 0.35), (random.Next(366, 731), 0.35), (random.Next(731, 1400), 0.15));
        var decision = WeightedChoice.Pick(random, ("GUILTY", 0.12), ("STAYED_WITHDRAWN", 0.80), ("ACQUITTED", 0.03), ("OTHER", 0.05));
        // Assumed shares (no published breakdown used): offence, sentence and custody length.
        var offence = WeightedChoice.Pick(random, ("CC_279_01", 0.50), ("CC_279_011", 0.15), ("CC_279_02", 0.25), ("CC_279_03", 0.05), ("IRPA_118", 0.05));
        var sentence = decision == "GUILTY"
            ? WeightedChoice.Pick(random, ("CUSTODY", 0.70), ("CONDITIONAL_SENTENCE", 0.05), ("PROBATION", 0.15), ("FINE", 0.02), ("OTHER", 0.08))
            : string.Empty;
        var custodyDays = sentence == "CUSTODY"
            ? WeightedChoice.Pick(random, (random.Next(30, 183), 0.15), (random.Next(183, 730), 0.30), (random.Next(730, 1826), 0.40), (random.Next(1826, 3650), 0.15)).ToString(CultureInfo.InvariantCulture)
            : string.Empty;
        var gender = WeightedChoice.Pick(random, ("MAN", 0.81), ("WOMAN", 0.17), (string.Empty, 0.02));
        var age = WeightedChoice.Pick(random, (random.Next(18, 25), 0.41), (random.Next(25, 35), 0.36), (random.Next(35, 45), 0.15), (random.Next(45, 70), 0.06), (-1, 0.02));
        var born = age < 0 ? string.Empty : Date(decided.AddYears(-age).AddDays(-random.Next(365)));
        return [caseId, Date(decided), Date(decided.AddDays(-days)), decision, offence, sentence, custodyDays, gender, born];
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
