using Federation.Sdk.Catalog;

namespace Federation.Sdk.Synthetic;

/// <summary>
/// Synthetic case exports shaped like Canada's published figures, for demos and tests. Fake names and birth dates,
/// a few out-of-scope rows, and about 1.5% invalid rows so quarantine is exercised. Never official statistics.
/// </summary>
public static class SyntheticCaseData
{
    private enum Defect
    {
        UnparseableIdentificationDate,
        UnknownGender,
        MissingIdentificationDate,
        BirthAfterIdentification,
        DuplicateCaseId,
    }

    /// <summary>
    /// Writes one CSV in the CSV adapter's default format with <see cref="ExpectedVictims"/> valid victims per year,
    /// plus out-of-scope and invalid rows. The same arguments always give the same file. Returns the rows written,
    /// not counting the header.
    /// </summary>
    public static int WriteCsv(string path, string jurisdiction, IReadOnlyList<int> years, int seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(years);
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));
        }

        var random = new Random(seed);
        var sampler = new SyntheticCaseSampler(random, jurisdiction);
        return WriteCsv(path, years.SelectMany(year => Year(random, sampler, jurisdiction, year)));
    }

    /// <summary>Writes cases as a CSV in the CSV adapter's default format (header, CRLF, RFC 4180 quoting). Returns the rows written.</summary>
    public static int WriteCsv(string path, IEnumerable<SyntheticCase> cases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(cases);
        using var writer = CsvText.Create(path);
        CsvText.WriteLine(writer, SyntheticCase.Columns);
        var rows = 0;
        foreach (var row in cases)
        {
            CsvText.WriteLine(writer, row.Fields());
            rows++;
        }

        return rows;
    }

    /// <summary>
    /// <paramref name="count"/> valid victims identified in <paramref name="year"/>, in identification order, with
    /// case ids "{jurisdiction}-{year}-00001" on; fake names and birth dates. The same arguments give the same cases.
    /// </summary>
    public static IReadOnlyList<SyntheticCase> Victims(string jurisdiction, int year, int count, int seed)
    {
        if (!Jurisdiction.IsValid(jurisdiction))
        {
            throw new ArgumentException($"Unknown jurisdiction '{jurisdiction}'.", nameof(jurisdiction));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var sampler = new SyntheticCaseSampler(new Random(seed), jurisdiction);
        return Enumerable.Range(0, count)
            .Select(_ => sampler.Next(string.Empty, year, isVictim: true))
            .OrderBy(c => c.IdentificationDate)
            .Select((c, i) => c with { CaseId = $"{jurisdiction}-{year}-{i + 1:D5}" })
            .ToArray();
    }

    /// <summary>The number of valid victim rows <see cref="WriteCsv(string, string, IReadOnlyList{int}, int)"/> writes for a jurisdiction and year (2019-2024).</summary>
    public static int ExpectedVictims(string jurisdiction, int year) => VictimCalibration.ExpectedVictims(jurisdiction, year);

    private static List<SyntheticCase> Year(Random random, SyntheticCaseSampler sampler, string jurisdiction, int year)
    {
        var victims = ExpectedVictims(jurisdiction, year);
        var outOfScope = victims == 0 ? 0 : 1 + (victims / 40);
        var defective = (victims + 33) / 67;
        var rows = Enumerable.Range(0, victims + outOfScope)
            .Select(i => sampler.Next(string.Empty, year, isVictim: i < victims))
            .OrderBy(c => c.IdentificationDate)
            .Select((c, i) => c with { CaseId = $"{jurisdiction}-{year}-{i + 1:D5}" })
            .ToList();
        for (var d = 0; d < defective; d++)
        {
            var position = random.Next(rows.Count + 1);
            var defect = (Defect)(d % Enum.GetValues<Defect>().Length);
            var template = sampler.Next($"{jurisdiction}-{year}-X{d + 1:D3}", year, isVictim: true);
            rows.Insert(position, Corrupt(template, defect, position > 0 ? rows[position - 1].CaseId : null));
        }

        return rows;
    }

    private static SyntheticCase Corrupt(SyntheticCase row, Defect defect, string? earlierCaseId) => defect switch
    {
        Defect.UnknownGender => row with { Gender = "Fem" },
        Defect.MissingIdentificationDate => row with { IdentificationDateText = string.Empty },
        Defect.BirthAfterIdentification => row with { BirthDate = row.IdentificationDate.AddDays(30) },
        Defect.DuplicateCaseId when earlierCaseId is not null => row with { CaseId = earlierCaseId },
        _ => row with { IdentificationDateText = $"{row.IdentificationDate.Year}-02-30" },
    };
}
