using System.Numerics;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// The samplers against exact references: probabilities by enumeration of every random choice (no sampling), the
/// published values P(0) and variance, symmetry, and chi-square and Kolmogorov-Smirnov tests on 100,000 draws from a
/// fixed seed at significance 1e-6 (thresholds below computed from the chi-square distribution, so the tests cannot flake).
/// </summary>
public sealed class SamplerTests
{
    private const int Draws = 100_000;

    // Upper 1e-6 quantiles of the chi-square distribution (regularized incomplete gamma, bisection).
    private const double ChiSquare14 = 54.635;
    private const double ChiSquare16 = 58.324;
    private const double ChiSquare30 = 82.044;

    // Kolmogorov-Smirnov critical value at 1e-6 for 100,000 draws: sqrt(ln(2/1e-6) / (2n)); conservative for discrete data.
    private static readonly double s_ksCritical = Math.Sqrt(-Math.Log(1e-6 / 2) / (2.0 * Draws));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 3)]
    public void Bernoulli_exp_minus_gamma_has_probability_exp_minus_gamma_exactly(int numerator, int denominator)
    {
        var (probabilities, unexplored) = EnumeratingSource.Enumerate(
            source => () => new BernoulliExpSampler(source).Sample(numerator, denominator) ? 1 : 0);

        var expected = Math.Exp(-(double)numerator / denominator);
        Assert.InRange(unexplored, 0, 1e-6);
        Assert.InRange(probabilities.GetValueOrDefault(1), expected - unexplored - 1e-12, expected + unexplored + 1e-12);
    }

    // Layer by layer: Bernoulli(exp(-gamma)) is enumerated through all its uniform choices; geometric and discrete Laplace
    // on an exact Bernoulli(exp(-gamma)) choice; discrete Gaussian on exact Bernoulli and discrete Laplace choices. Each
    // layer's own logic is enumerated for real, and a rejection loop is enumerated as one pass conditioned on acceptance.
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    public void Geometric_draws_have_probability_one_minus_exp_minus_x_times_exp_minus_kx(int s, int t)
    {
        var (probabilities, unexplored) = EnumeratingSource.Enumerate(source => () => new GeometricSampler(source, source.BernoulliExp).Sample(new Rational(s, t)));

        var x = (double)s / t;
        Assert.InRange(unexplored, 0, 1e-6);
        for (var k = 0; k < 8; k++)
        {
            var expected = (1 - Math.Exp(-x)) * Math.Exp(-k * x);
            Assert.InRange(probabilities.GetValueOrDefault(k), expected - unexplored - 1e-12, expected + unexplored + 1e-12);
        }
    }

    [Fact]
    public void Discrete_laplace_with_epsilon_one_has_the_published_probability_of_zero_and_variance()
    {
        var (probabilities, unexplored) = EnumeratingSource.EnumerateAccepted(source =>
        {
            var sampler = new DiscreteLaplaceSampler(source, Rational.One, source.BernoulliExp);
            return () => sampler.TryAttempt(out var y) ? y : null;
        });

        Assert.InRange(unexplored, 0, 1e-6);
        Assert.Equal(0.46212, probabilities[0], 5);
        var variance = probabilities.Sum(p => (double)(p.Key * p.Key) * p.Value);
        Assert.Equal(1.8410, variance, 3);
        for (var y = 1; y <= 6; y++)
        {
            Assert.Equal(probabilities[y], probabilities[-y], 12);
        }
    }

    [Theory]
    [InlineData("1", 0.39894)]
    [InlineData("2", 0.28209)]
    public void Discrete_gaussian_has_the_published_probability_of_zero_and_is_symmetric(string variance, double zero)
    {
        var sigma2 = Rational.Parse(variance);
        var (probabilities, unexplored) = EnumeratingSource.EnumerateAccepted(source =>
        {
            var sampler = new DiscreteGaussianSampler(source, sigma2, source.BernoulliExp, source.Laplace);
            return () => sampler.TryAttempt(out var y) ? y : null;
        });

        Assert.InRange(unexplored, 0, 1e-6);
        Assert.Equal(zero, probabilities[0], 5);
        var normalizer = Enumerable.Range(-60, 121).Sum(y => Math.Exp(-y * y / (2 * sigma2.ToDouble())));
        for (var y = 1; y <= 5; y++)
        {
            Assert.Equal(probabilities[y], probabilities[-y], 12);
            var expected = Math.Exp(-y * y / (2 * sigma2.ToDouble())) / normalizer;
            Assert.InRange(probabilities[y], expected - unexplored - 1e-12, expected + unexplored + 1e-12);
        }
    }

    [Theory]
    [InlineData("4", 6, ChiSquare14)]
    [InlineData("20", 14, ChiSquare30)]
    public void Discrete_gaussian_draws_pass_chi_square_and_kolmogorov_smirnov(string variance, int centralBins, double threshold)
    {
        var sigma2 = Rational.Parse(variance).ToDouble();
        var sampler = new DiscreteGaussianSampler(new SeededRandomBitSource(20260101), Rational.Parse(variance));

        AssertFits(() => (long)sampler.Sample(), y => Math.Exp(-y * y / (2 * sigma2)), centralBins, threshold);
    }

    [Fact]
    public void Discrete_laplace_draws_pass_chi_square_and_kolmogorov_smirnov()
    {
        var sampler = new DiscreteLaplaceSampler(new SeededRandomBitSource(7), Rational.One);

        AssertFits(() => (long)sampler.Sample(), y => Math.Exp(-Math.Abs(y)), 7, ChiSquare16);
    }

    [Fact]
    public void Seeded_source_is_deterministic_and_draws_differ_between_seeds()
    {
        long[] Draw(ulong seed)
        {
            var sampler = new DiscreteGaussianSampler(new SeededRandomBitSource(seed), 20);
            return Enumerable.Range(0, 50).Select(_ => (long)sampler.Sample()).ToArray();
        }

        Assert.Equal(Draw(1), Draw(1));
        Assert.NotEqual(Draw(1), Draw(2));
    }

    [Fact]
    public void Uniform_integers_beyond_64_bits_stay_below_the_bound_and_cover_it()
    {
        var source = (IRandomBitSource)new SeededRandomBitSource(3);
        var bound = (BigInteger.One << 70) + 3;
        var draws = Enumerable.Range(0, 2000).Select(_ => source.UniformBelow(bound)).ToArray();

        Assert.All(draws, d => Assert.InRange(d, BigInteger.Zero, bound - 1));
        Assert.Contains(draws, d => d > BigInteger.One << 69);
        Assert.Contains(draws, d => d < BigInteger.One << 69);
    }

    [Fact]
    public void Non_positive_parameters_are_refused()
    {
        var source = new SeededRandomBitSource(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteGaussianSampler(source, Rational.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteLaplaceSampler(source, new Rational(-1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricSampler(source).Sample(Rational.Zero));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(99, 9)]
    [InlineData(100, 10)]
    public void Integer_square_root_is_the_floor(int value, int root)
    {
        Assert.Equal(root, (int)DiscreteGaussianSampler.IntegerSquareRoot(value));
    }

    // Chi-square over the central values -c..c with both tails pooled (2c + 3 bins), and KS over the whole support.
    internal static void AssertFits(Func<long> draw, Func<long, double> weight, int c, double threshold)
    {
        var counts = new Dictionary<long, int>();
        for (var i = 0; i < Draws; i++)
        {
            var y = draw();
            counts[y] = counts.GetValueOrDefault(y) + 1;
        }

        const int Support = 400;
        var normalizer = Enumerable.Range(-Support, (2 * Support) + 1).Sum(y => weight(y));
        double P(long y) => weight(y) / normalizer;
        double chiSquare = 0;
        foreach (var y in Enumerable.Range(-c, (2 * c) + 1))
        {
            var expected = Draws * P(y);
            chiSquare += Math.Pow(counts.GetValueOrDefault(y) - expected, 2) / expected;
        }

        var tail = Draws * Enumerable.Range(c + 1, Support).Sum(y => P(y));
        chiSquare += Math.Pow(counts.Where(kv => kv.Key < -c).Sum(kv => kv.Value) - tail, 2) / tail;
        chiSquare += Math.Pow(counts.Where(kv => kv.Key > c).Sum(kv => kv.Value) - tail, 2) / tail;
        Assert.True(chiSquare < threshold, $"chi-square {chiSquare:F2} is above the 1e-6 threshold {threshold}");

        double cdf = 0, empirical = 0, ks = 0;
        for (long y = -Support; y <= Support; y++)
        {
            cdf += P(y);
            empirical += counts.GetValueOrDefault(y) / (double)Draws;
            ks = Math.Max(ks, Math.Abs(empirical - cdf));
        }

        Assert.True(ks < s_ksCritical, $"Kolmogorov-Smirnov distance {ks:F5} is above the 1e-6 critical value {s_ksCritical:F5}");
    }
}
