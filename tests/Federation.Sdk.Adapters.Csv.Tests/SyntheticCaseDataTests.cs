using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Synthetic;

namespace Federation.Sdk.Adapters.Csv.Tests;

public class SyntheticCaseDataTests
{
    private static readonly int[] s_years = [2022, 2023, 2024];

    [Fact]
    public void Same_seed_writes_the_same_file_and_another_seed_a_different_one()
    {
        using var first = TempCsv.Empty();
        using var second = TempCsv.Empty();
        using var third = TempCsv.Empty();

        SyntheticCaseData.WriteCsv(first.Path, "ON", s_years, seed: 11);
        SyntheticCaseData.WriteCsv(second.Path, "ON", s_years, seed: 11);
        SyntheticCaseData.WriteCsv(third.Path, "ON", s_years, seed: 12);

        Assert.Equal(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        Assert.NotEqual(File.ReadAllBytes(first.Path), File.ReadAllBytes(third.Path));
    }

    [Fact]
    public void Jurisdictions_add_up_to_the_calibrated_national_figures()
    {
        var national = new Dictionary<int, int> { [2019] = 511, [2020] = 530, [2021] = 555, [2022] = 597, [2023] = 570, [2024] = 608 };

        Assert.All(national, year => Assert.Equal(year.Value, Jurisdiction.All.Sum(j => SyntheticCaseData.ExpectedVictims(j, year.Key))));
        Assert.InRange(SyntheticCaseData.ExpectedVictims("ON", 2024) / 608.0, 0.55, 0.62);
        Assert.All(["NT", "NU", "YT"], t => Assert.InRange(SyntheticCaseData.ExpectedVictims(t, 2024), 0, 3));
    }

    [Fact]
    public void Uncalibrated_year_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticCaseData.ExpectedVictims("ON", 2010));

    [Theory]
    [InlineData("ON")]
    [InlineData("NS")]
    [InlineData("SK")]
    [InlineData("NU")]
    public async Task Written_file_reads_cleanly_except_the_deliberately_invalid_rows(string jurisdiction)
    {
        using var file = TempCsv.Empty();
        var written = SyntheticCaseData.WriteCsv(file.Path, jurisdiction, s_years, seed: 7);
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var pipeline = new StatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource(7)), TimeProvider.System);

        var result = await pipeline.RunAsync(new CsvCaseRecordSource(file.Path), jurisdiction, "node");

        var expected = s_years.Sum(y => SyntheticCaseData.ExpectedVictims(jurisdiction, y));
        Assert.Equal(written, result.RecordsRead);
        Assert.Equal(expected, result.RecordsAccepted);
        Assert.InRange(result.Quarantined.Count, 0, Math.Max(1, written / 40));
        // A few out-of-scope rows: at least one in a year with victims, about 2.5% plus one per year.
        Assert.InRange(result.RecordsOutOfScope, expected == 0 ? 0 : 1, s_years.Length + (written / 30));
        Assert.Equal(result.RecordsRead, result.RecordsAccepted + result.RecordsOutOfScope + result.Quarantined.Count);
    }

    [Fact]
    public async Task Large_file_exercises_every_kind_of_quarantine()
    {
        using var file = TempCsv.Empty();
        SyntheticCaseData.WriteCsv(file.Path, "ON", s_years, seed: 7);
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var pipeline = new StatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource(7)), TimeProvider.System);

        var reasons = (await pipeline.RunAsync(new CsvCaseRecordSource(file.Path), "ON", "node")).Quarantined.Select(q => q.Reason).ToArray();

        Assert.Contains(reasons, r => r.Contains("is not a date", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Gender is not a known value", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("IdentificationDate is missing", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("is after IdentificationDate", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("duplicate CaseId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Profile_looks_like_the_published_one()
    {
        using var file = TempCsv.Empty();
        SyntheticCaseData.WriteCsv(file.Path, "ON", [2019, 2020, 2021, 2022, 2023, 2024], seed: 5);
        var genders = new List<string?>();
        var relationships = new List<string?>();
        await foreach (var row in new CsvCaseRecordSource(file.Path).ReadAsync())
        {
            if (row.Record is { TraffickingStatus: not "NotAVictimOfTrafficking" } record)
            {
                genders.Add(record.Gender);
                relationships.Add(record.RelationshipToTrafficker);
            }
        }

        double Share(List<string?> values, params string[] wanted) => values.Count(v => wanted.Contains(v)) / (double)values.Count;
        Assert.InRange(Share(genders, "Feminine", "TransgenderFeminine"), 0.92, 0.98);
        Assert.InRange(Share(relationships, "IntimatePartner"), 0.28, 0.38);
        Assert.InRange(Share(relationships, "IntimatePartner", "Familial", "Acquainted"), 0.85, 0.95);
    }
}
