using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Exact discrete Gaussian draws: y with probability proportional to exp(-y^2 / (2 sigma^2)) for a rational variance
/// parameter sigma^2 &gt; 0, by rejection from discrete Laplace noise (Algorithm 3 of Canonne, Kamath and Steinke 2020).
/// Integer and rational arithmetic only. Added to a count of sensitivity 1 it gives rho = 1/(2 sigma^2) zCDP.
/// </summary>
public sealed class DiscreteGaussianSampler
{
    private readonly Func<BigInteger, BigInteger, bool> _bernoulliExp;
    private readonly Func<BigInteger> _laplace;
    private readonly BigInteger _n;
    private readonly BigInteger _d;
    private readonly BigInteger _t;

    public DiscreteGaussianSampler(IRandomBitSource source, Rational variance)
        : this(source, variance, null, null)
    {
    }

    // Tests pass exact Bernoulli(exp(-n/d)) and discrete Laplace (scale t) oracles so the distribution can be enumerated.
    internal DiscreteGaussianSampler(
        IRandomBitSource source,
        Rational variance,
        Func<BigInteger, BigInteger, bool>? bernoulliExp,
        Func<Rational, BigInteger>? laplace)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (variance.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "The variance of discrete Gaussian noise must be positive.");
        }

        Variance = variance;
        _n = variance.Numerator;
        _d = variance.Denominator;
        // t = floor(sigma) + 1, with floor(sqrt(n/d)) = floor(sqrt(floor(n/d))).
        _t = IntegerSquareRoot(BigInteger.Divide(_n, _d)) + 1;
        _bernoulliExp = bernoulliExp ?? new BernoulliExpSampler(source).Sample;
        var scale = new Rational(_t, 1);
        _laplace = laplace is null ? new DiscreteLaplaceSampler(source, scale, _bernoulliExp).Sample : () => laplace(scale);
    }

    /// <summary>The parameter sigma^2 (for large sigma^2 it is the variance; exactly, the variance is slightly smaller).</summary>
    public Rational Variance { get; }

    public BigInteger Sample()
    {
        BigInteger y;
        while (!TryAttempt(out y))
        {
        }

        return y;
    }

    /// <summary>
    /// One pass of the rejection loop: a discrete Laplace draw Y (scale t) accepted with probability
    /// exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)) = exp(-(|Y| d t - n)^2 / (2 n d t^2)) for sigma^2 = n/d.
    /// </summary>
    internal bool TryAttempt(out BigInteger y)
    {
        y = _laplace();
        var offset = (BigInteger.Abs(y) * _d * _t) - _n;
        return _bernoulliExp(offset * offset, 2 * _n * _d * _t * _t);
    }

    internal static BigInteger IntegerSquareRoot(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value));
        }

        if (value < 2)
        {
            return value;
        }

        // Newton's method from above: x_{k+1} = (x_k + value / x_k) / 2 decreases to floor(sqrt(value)).
        var x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            var next = (x + (value / x)) >> 1;
            if (next >= x)
            {
                return x;
            }

            x = next;
        }
    }
}
