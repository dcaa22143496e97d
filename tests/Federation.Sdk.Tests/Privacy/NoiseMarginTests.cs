using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// Exact integer 95% margins of summed noise, against values computed independently (Python, exact convolution of the
/// discrete Gaussian probabilities): the normal approximation 1.96 sigma under-covers integer noise.
/// </summary>
public sealed class NoiseMarginTests
{
    [Theory]
    [InlineData("4", 1, 4)]
    [InlineData("4", 3, 7)]
    [InlineData("4", 13, 14)]
    [InlineData("20", 1, 9)]
    [InlineData("20", 13, 32)]
    public void Discrete_gaussian_sums_get_the_smallest_integer_margin_covering_95_percent(string variance, int cells, long margin)
    {
        Assert.Equal(margin, NoiseMargin.Of(TableProtection.DiscreteGaussian("T", Rational.Parse(variance)), cells));
    }

    [Fact]
    public void The_normal_margin_of_a_variance_4_cell_would_cover_only_92_3_percent()
    {
        // 1.96 x 2 = 3.92 admits |noise| <= 3 only: P = sum over |k| <= 3 of exp(-k^2/8) / sum over all k = 0.9230.
        var normalizer = Enumerable.Range(-60, 121).Sum(k => Math.Exp(-k * k / 8.0));
        var covered = Enumerable.Range(-3, 7).Sum(k => Math.Exp(-k * k / 8.0)) / normalizer;

        Assert.Equal(0.9230, covered, 4);
        Assert.Equal(4, NoiseMargin.Of(TableProtection.DiscreteGaussian("T", 4), 1));
    }

    [Fact]
    public void Discrete_laplace_of_scale_1_gets_its_exact_margin_and_rounding_has_none()
    {
        // P(|k| <= m) = 1 - 2 e^-(m+1) / (1 + e^-1): 0.9272 at m = 2, 0.9732 at m = 3.
        Assert.Equal(3, NoiseMargin.Of(TableProtection.DiscreteLaplace("T", 1), 1));
        Assert.Null(NoiseMargin.Of(TableProtection.RandomRounding("T", 5), 1));
        Assert.Equal(0, NoiseMargin.Of(TableProtection.DiscreteGaussian("T", 4), 0));
    }
}
