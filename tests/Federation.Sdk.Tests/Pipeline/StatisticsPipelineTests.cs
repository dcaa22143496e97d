using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Records;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Tests.Pipeline;

public class StatisticsPipelineTests
{
    private static readonly DatasetDefinition s_dataset = TestDatasets.Rounded;
    private static readonly DateTimeOffset s_now = new(2024, 6, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_key = Enumerable.Repeat((byte)42, 32).ToArray();

    private static StatisticsPipeline Pipeline(IProtectionMechanism? protection = null) =>
        new(s_dataset, protection ?? new KeyedRandomRounding(s_key, s_dataset.Protection), new FixedTimeProvider(s_now));

    private static InMemoryCaseSource ThreeVictimsOverTwoYears() => InMemoryCaseSource.Of(
        Cases.Victim("A") with { IdentificationDate = new DateOnly(2023, 5, 1) },
        Cases.Victim("B") with { IdentificationDate = new DateOnly(2021, 12, 31) },
        Cases.Victim("C") with { IdentificationDate = new DateOnly(2023, 1, 1) });

    [Fact]
    public async Task One_submission_per_reference_year_in_year_order()
    {
        var result = await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns");

        Assert.Equal([2021, 2023], result.Submissions.Select(s => s.ReferenceYear));
    }

    [Fact]
    public async Task Submission_carries_dataset_jurisdiction_node_time_and_policy()
    {
        var submission = (await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns")).Submissions[0];

        Assert.Equal("trafficking.victims.v1", submission.DatasetId);
        Assert.Equal("NS", submission.Jurisdiction);
        Assert.Equal("node-ns", submission.NodeId);
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now), submission.ProducedAt);
        Assert.Equal(ProtectionMechanism.RandomRounding, submission.Protection.Mechanism);
        Assert.Equal(5, submission.Protection.RoundingBase);
    }

    [Fact]
    public async Task Submission_has_every_table_and_cell_in_catalogue_order()
    {
        var submission = (await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns")).Submissions[1];

        Assert.Equal(s_dataset.Tables.Select(t => t.Id), submission.Tables.Select(t => t.TableId));
        foreach (var (table, release) in s_dataset.Tables.Zip(submission.Tables))
        {
            Assert.Equal(table.EnumerateCells(), release.Cells.Select(c => (IReadOnlyList<string>)c.Codes.ToArray()));
        }
    }

    [Fact]
    public async Task Cells_carry_the_protected_value_of_the_true_count()
    {
        var rounding = new KeyedRandomRounding(s_key, s_dataset.Protection);
        var submission = (await Pipeline(rounding).RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns")).Submissions[1];

        var total = submission.Tables[0].Cells[0];
        Assert.Equal(rounding.Protect(new CellContext("trafficking.victims.v1", "NS", 2023, "T0", []), 2), total.Value);
        Assert.All(submission.Tables.SelectMany(t => t.Cells), c => Assert.Equal(0, c.Value % 5));
    }

    [Fact]
    public async Task Running_twice_on_the_same_data_gives_the_same_submissions()
    {
        var first = await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns");
        var second = await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns");

        Assert.Equal(first.Submissions, second.Submissions);
    }

    [Fact]
    public async Task Nothing_identifying_reaches_a_submission()
    {
        var record = Cases.Victim() with { PersonName = "Unmistakable Name", BirthDate = new DateOnly(1999, 9, 9) };
        var submission = Assert.Single((await Pipeline().RunAsync(InMemoryCaseSource.Of(record), "NS", "node-ns")).Submissions);

        var text = submission.ToString();
        Assert.DoesNotContain("Unmistakable", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1999", text, StringComparison.Ordinal);
        Assert.DoesNotContain("C-1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jurisdiction_outside_the_dataset_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "XX", "node"));

        Assert.Contains("'XX'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protection_not_matching_the_dataset_policy_is_refused() =>
        Assert.Throws<ArgumentException>(() => Pipeline(new KeyedRandomRounding(s_key, Sdk.Catalog.ProtectionPolicy.RandomRounding(s_dataset.Tables.Select(t => t.Id), 3))));

    [Fact]
    public async Task Cancellation_stops_the_run()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns", cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task No_accepted_records_gives_no_submissions()
    {
        var result = await Pipeline().RunAsync(new InMemoryCaseSource([]), "NS", "node-ns");

        Assert.Empty(result.Submissions);
        Assert.Equal(0, result.RecordsRead);
    }

    [Fact]
    public async Task Configured_reference_years_are_all_released_a_year_without_victims_as_zeros()
    {
        var result = await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns", referenceYears: [2021, 2022, 2023]);

        Assert.Equal([2021, 2022, 2023], result.Submissions.Select(s => s.ReferenceYear));
        var empty = result.Submissions[1];
        Assert.Equal(s_dataset.Tables.Sum(t => t.CellCount), empty.Tables.Sum(t => t.Cells.Count));
        Assert.All(empty.Tables.SelectMany(t => t.Cells), c => Assert.Equal(0, c.Value));
    }

    [Fact]
    public async Task Victims_identified_outside_the_configured_years_are_counted_out_of_scope()
    {
        var result = await Pipeline().RunAsync(ThreeVictimsOverTwoYears(), "NS", "node-ns", referenceYears: [2023]);

        Assert.Equal([2023], result.Submissions.Select(s => s.ReferenceYear));
        Assert.Equal((3, 2, 1), (result.RecordsRead, result.RecordsAccepted, result.RecordsOutOfScope));
    }
}
