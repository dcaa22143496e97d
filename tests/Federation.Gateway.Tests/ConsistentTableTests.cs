using Federation.Gateway.Query;

namespace Federation.Gateway.Tests;

/// <summary>The publication view's table: hand-computed examples and properties on random inputs.</summary>
public sealed class ConsistentTableTests
{
    [Fact]
    public void One_jurisdiction_with_parts_five_minus_three_two_and_total_five_publishes_four_zero_one()
    {
        // The national figures of the groups share the gap to the total 5 equally (5.33, -2.67, 2.33), the projection
        // onto non-negative values summing to 5 subtracts 4/3 from the positive ones: (4, 0, 1).
        var published = ConsistentTable.Publish([5], [[5, -3, 2]], [[1, 1, 1]]);

        Assert.Equal(5, published.National);
        Assert.Equal([5L], published.JurisdictionTotals);
        Assert.Equal([4L, 0L, 1L], published.GroupTotals);
        Assert.Equal([4L, 0L, 1L], published.Cells[0]);
    }

    [Fact]
    public void Two_jurisdictions_by_two_groups_add_up_both_ways()
    {
        // Totals 10.4 and 4.2: national 14.6 -> 15; projected (10.6, 4.4) -> (11, 4). Groups 6+3 and 5+0, gap 1 shared
        // equally: (9.5, 5.5) -> (10, 5), the tie to the earlier group. Least squares with equal weights fits
        // [[6.25, 4.75], [3.75, 0.25]]; controlled rounding gives each row and column its one unit at the remainders .75.
        var published = ConsistentTable.Publish([10.4, 4.2], [[6, 5], [3, 0]], [[1, 1], [1, 1]]);

        Assert.Equal(15, published.National);
        Assert.Equal([11L, 4L], published.JurisdictionTotals);
        Assert.Equal([10L, 5L], published.GroupTotals);
        Assert.Equal([6L, 5L], published.Cells[0]);
        Assert.Equal([4L, 0L], published.Cells[1]);
    }

    [Fact]
    public void Least_squares_fit_meets_both_margins_on_non_negative_values()
    {
        var fitted = ConsistentTable.FitToMargins([[6, 5], [3, 0]], [[1, 1], [1, 1]], [11, 4], [10, 5]);

        Assert.Equal(6.25, fitted[0][0], 6);
        Assert.Equal(4.75, fitted[0][1], 6);
        Assert.Equal(3.75, fitted[1][0], 6);
        Assert.Equal(0.25, fitted[1][1], 6);
    }

    [Fact]
    public void A_negative_cell_is_fitted_to_zero_when_the_margins_allow()
    {
        // Row 0 must add up to 2 and column 1 to 0: the -3 cannot stay negative, and the fit keeps it at zero.
        var fitted = ConsistentTable.FitToMargins([[5, -3], [1, 4]], [[1, 1], [1, 1]], [2, 5], [7, 0]);

        Assert.All(fitted.SelectMany(r => r), v => Assert.True(v >= -1e-9));
        Assert.Equal(0, fitted[0][1] + fitted[1][1], 6);
        Assert.Equal(2, fitted[0][0], 6);
    }

    [Fact]
    public void Controlled_rounding_of_one_row_is_largest_remainder_with_ties_to_the_earlier_cell()
    {
        Assert.Equal([2L, 1L, 1L], ConsistentTable.ControlledRounding([[1.5, 1.5, 1.0]], [4], [2, 1, 1])[0]);
        Assert.Equal([2L, 1L, 1L], PublicationView.LargestRemainder([1.5, 1.5, 1.0], 4));
    }

    [Fact]
    public void Controlled_rounding_finds_integers_even_when_the_values_miss_the_margins()
    {
        // Values far from the margins (a fit stopped early): the margins still hold exactly, nothing is negative.
        var rounded = ConsistentTable.ControlledRounding([[9.7, 0.1], [-2, 3.3]], [3, 6], [5, 4]);

        Assert.Equal([3L, 6L], rounded.Select(r => r.Sum()));
        Assert.Equal([5L, 4L], Enumerable.Range(0, 2).Select(h => rounded.Sum(r => r[h])));
        Assert.All(rounded.SelectMany(r => r), v => Assert.True(v >= 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Random_noisy_tables_publish_non_negative_integers_that_add_up_every_way_deterministically(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 25; trial++)
        {
            var jurisdictions = random.Next(1, 8);
            var groups = random.Next(1, 9);
            // Small true counts (0-6 per cell) with noise of variance about 4 (T0) and 20 (cells), as at the default policy.
            var truth = Enumerable.Range(0, jurisdictions).Select(_ => Enumerable.Range(0, groups).Select(_ => random.Next(0, 7)).ToArray()).ToArray();
            var cells = truth.Select(r => r.Select(v => v + Math.Round(Noise(random, 20))).ToArray()).ToArray();
            var variances = truth.Select(r => r.Select(_ => 20.0).ToArray()).ToArray();
            var totals = truth.Select(r => r.Sum() + Math.Round(Noise(random, 4))).ToArray();

            var published = ConsistentTable.Publish(totals, cells, variances);
            var again = ConsistentTable.Publish(totals, cells, variances);

            Assert.Equal(Math.Max(0, (long)Math.Round(totals.Sum(), MidpointRounding.AwayFromZero)), published.National);
            Assert.Equal(published.National, published.JurisdictionTotals.Sum());
            Assert.Equal(published.National, published.GroupTotals.Sum());
            Assert.All(published.Cells.SelectMany(r => r).Concat(published.JurisdictionTotals).Concat(published.GroupTotals), v => Assert.True(v >= 0));
            Assert.Equal(published.JurisdictionTotals, published.Cells.Select(r => r.Sum()));
            Assert.Equal(published.GroupTotals, Enumerable.Range(0, groups).Select(h => published.Cells.Sum(r => r[h])));
            Assert.Equal(published.Cells, again.Cells);
            Assert.Equal(published.JurisdictionTotals, again.JurisdictionTotals);

            // Each published cell is the floor or ceiling of the least-squares fit to the published margins.
            var fitted = ConsistentTable.FitToMargins(cells, variances, published.JurisdictionTotals, published.GroupTotals);
            for (var j = 0; j < jurisdictions; j++)
            {
                for (var h = 0; h < groups; h++)
                {
                    Assert.InRange(published.Cells[j][h], Math.Floor(fitted[j][h] - 1e-6), Math.Ceiling(fitted[j][h] + 1e-6));
                }
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Random_projections_are_non_negative_and_keep_the_total(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var values = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (random.NextDouble() * 20) - 8).ToArray();
            var total = random.Next(0, 40);

            var projected = PublicationView.ProjectOntoSimplex(values, total);
            var rounded = PublicationView.LargestRemainder(projected, total);

            Assert.All(projected, v => Assert.True(v >= 0));
            Assert.Equal(total, projected.Sum(), 9);
            Assert.All(rounded, v => Assert.True(v >= 0));
            Assert.Equal(total, rounded.Sum());
            Assert.Equal(rounded, PublicationView.LargestRemainder(PublicationView.ProjectOntoSimplex(values, total), total));
        }
    }

    // A normal draw (Box-Muller) of the given variance: test input only, never protection.
    private static double Noise(Random random, double variance) =>
        Math.Sqrt(variance) * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
