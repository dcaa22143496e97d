using Federation.Gateway.Query;

namespace Federation.Gateway.Tests;

public sealed class PublicationViewTests
{
    [Fact]
    public void The_publication_view_stops_when_its_call_is_cancelled_and_completes_when_it_is_not()
    {
        var table = Sdk.Catalog.DatasetCatalog.Default.Find("trafficking.victims.v1")!.Tables.Single(t => t.Id == "T0");
        var cells = new[] { new Serving.CurrentCell("ON", 2024, [], 12, 4), new Serving.CurrentCell("NS", 2024, [], -1, 4) };
        Contracts.V1.QueryResponse Answer() => new()
        {
            Rows = { new Contracts.V1.QueryRow { ReferenceYear = 2024, Jurisdiction = "NS", Value = -1, Variance = 4, Status = Contracts.V1.CellStatus.Available, ContributingJurisdictions = { "NS" } } },
        };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var stopped = Answer();
        Assert.Throws<OperationCanceledException>(() => PublicationView.Apply(stopped, table, [], new Dictionary<string, HashSet<string>>(), cells, null, cancelled.Token));
        Assert.Equal(-1, stopped.Rows[0].Value);

        var published = Answer();
        PublicationView.Apply(published, table, [], new Dictionary<string, HashSet<string>>(), cells, null, CancellationToken.None);
        Assert.Equal(0, published.Rows[0].Value);
    }

    [Fact]
    public void Projection_of_five_minus_three_two_with_total_five_is_four_zero_one()
    {
        Assert.Equal([4.0, 0.0, 1.0], PublicationView.ProjectOntoSimplex([5, -3, 2], 5));
    }

    [Fact]
    public void Projection_onto_a_zero_total_is_all_zeros()
    {
        Assert.Equal([0.0, 0.0], PublicationView.ProjectOntoSimplex([3, -1], 0));
    }

    [Fact]
    public void Largest_remainder_rounding_keeps_the_total_and_breaks_ties_by_position()
    {
        Assert.Equal([2L, 1L, 1L], PublicationView.LargestRemainder([1.5, 1.5, 1.0], 4));
        Assert.Equal([1L, 2L, 1L], PublicationView.LargestRemainder([1.2, 1.7, 1.1], 4));
    }

    [Fact]
    public void Least_squares_combination_shares_the_gap_to_the_total_by_variance()
    {
        // Parts 10 and 20 (variances 20 and 20) against a total of 36 (variance 4): the gap of 6 is shared 20:20:4.
        var (values, variances) = PublicationView.ConsistentIntegers([10, 20], [20, 20], (36, 4));

        Assert.Equal(35, values.Sum());
        Assert.Equal([13L, 22L], values);
        Assert.True(variances.All(v => v < 20));
    }

    [Fact]
    public void Consistent_integers_are_non_negative_and_add_up_to_the_rounded_total()
    {
        var (values, _) = PublicationView.ConsistentIntegers([5, -3, 2], [1, 1, 1], (5, 0));

        Assert.Equal([4L, 0L, 1L], values);
    }

    [Theory]
    [InlineData(100, 52, Contracts.V1.CellStatus.Available)]
    [InlineData(30, 52, Contracts.V1.CellStatus.UseWithCaution)]
    [InlineData(15, 52, Contracts.V1.CellStatus.TooUnreliable)]
    [InlineData(0, 52, Contracts.V1.CellStatus.TooUnreliable)]
    [InlineData(0, 0, Contracts.V1.CellStatus.Available)]
    public void Status_follows_the_coefficient_of_variation(long value, double variance, Contracts.V1.CellStatus status)
    {
        Assert.Equal(status, Reliability.Classify(value, variance));
    }
}
