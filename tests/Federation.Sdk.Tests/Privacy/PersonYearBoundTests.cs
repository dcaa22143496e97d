using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Pipeline;
using Federation.Sdk.Tests.Records;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>Bounded contribution: with a person key, each person counts at most once per reference year.</summary>
public sealed class PersonYearBoundTests
{
    private static readonly byte[] s_key = Enumerable.Repeat((byte)7, 32).ToArray();

    [Fact]
    public async Task A_person_with_several_records_in_a_year_is_counted_once_and_again_in_another_year()
    {
        var counts = new CountsCapture();
        var pipeline = new StatisticsPipeline(TestDatasets.Default, counts, new FixedTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)), s_key);
        var source = InMemoryCaseSource.Of(
            Cases.Victim("A") with { PersonKey = "P-1", IdentificationDate = new DateOnly(2023, 2, 1) },
            Cases.Victim("B") with { PersonKey = " P-1 ", IdentificationDate = new DateOnly(2023, 9, 1) },
            Cases.Victim("C") with { PersonKey = "P-1", IdentificationDate = new DateOnly(2024, 3, 1) },
            Cases.Victim("D") with { PersonKey = "P-2", IdentificationDate = new DateOnly(2023, 3, 1) },
            Cases.Victim("E") with { IdentificationDate = new DateOnly(2023, 4, 1) },
            Cases.Victim("F") with { IdentificationDate = new DateOnly(2023, 5, 1) });

        var result = await pipeline.RunAsync(source, "NS", "node-ns", referenceYears: [2023, 2024]);

        Assert.Equal((6, 5, 1), (result.RecordsRead, result.RecordsAccepted, result.RecordsOutOfScope));
        Assert.Equal([4L, 1L], counts.Years.Select(y => y.Tables[0].Cells[0].Value));
    }

    [Fact]
    public void Without_the_bound_records_without_a_person_key_always_count_and_a_short_key_is_refused()
    {
        var bound = new PersonYearBound(s_key);

        Assert.True(bound.TryCount(null, 2023));
        Assert.True(bound.TryCount(null, 2023));
        Assert.True(bound.TryCount("X", 2023));
        Assert.False(bound.TryCount("X", 2023));
        Assert.Throws<ArgumentException>(() => new PersonYearBound(new byte[16]));
    }

    private sealed class CountsCapture : IReleaseMaker
    {
        public IReadOnlyList<YearCounts> Years { get; private set; } = [];

        public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
        {
            Years = years;
            return [];
        }
    }
}
