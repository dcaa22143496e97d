using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// The zCDP conversions against OpenDP's published test values (cdp_delta and cdp_epsilon tests). OpenDP rounds each
/// operation upward; these are computed with round-to-nearest, so they agree to a few units in the last place.
/// </summary>
public sealed class ZeroConcentratedDpTests
{
    private const double Relative = 1e-14;

    [Theory]
    [InlineData(0.05, 0.25, 0.0817727531036956)]
    [InlineData(0.5, 0.0, 0.5588356393474351)]
    public void Delta_matches_opendp(double rho, double epsilon, double expected)
    {
        Assert.Equal(expected, ZeroConcentratedDp.Delta(rho, epsilon), expected * Relative);
    }

    [Fact]
    public void Epsilon_for_rho_one_thirty_second_and_delta_one_in_a_thousand_matches_opendp()
    {
        Assert.Equal(0.6880024554878086, ZeroConcentratedDp.Epsilon(1.0 / 32, 1e-3), 0.6880024554878086 * Relative);
    }

    [Fact]
    public void Epsilon_and_delta_are_inverse_conversions()
    {
        var epsilon = ZeroConcentratedDp.Epsilon(0.25, 1e-6);
        Assert.Equal(1e-6, ZeroConcentratedDp.Delta(0.25, epsilon), 1e-9);
    }

    [Fact]
    public void Optimal_conversion_is_tighter_than_the_closed_form()
    {
        // The closed form epsilon = rho + 2 sqrt(rho ln(1/delta)) is valid but looser.
        var closedForm = 0.25 + (2 * Math.Sqrt(0.25 * Math.Log(1e6)));
        Assert.True(ZeroConcentratedDp.Epsilon(0.25, 1e-6) < closedForm);
    }

    [Fact]
    public void Edge_cases_follow_opendp()
    {
        Assert.Equal(0, ZeroConcentratedDp.Delta(0, 0));
        Assert.Equal(0, ZeroConcentratedDp.Delta(0.1, double.PositiveInfinity));
        Assert.Equal(1, ZeroConcentratedDp.Delta(double.PositiveInfinity, 1));
        Assert.Equal(0, ZeroConcentratedDp.Epsilon(0, 1e-6));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.Delta(-0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.Epsilon(0.1, 0));
    }

    [Fact]
    public void Default_release_costs_a_quarter_of_rho()
    {
        var policy = Federation.Sdk.Tests.Catalog.TestDatasets.Default.Protection;

        Assert.Equal(new Rational(1, 8), ZeroConcentratedDp.RhoOfGaussian(4));
        Assert.Equal(new Rational(1, 4), policy.ReleaseRho);
        Assert.Equal(new Rational(1, 2), policy.BudgetRho);
    }
}
