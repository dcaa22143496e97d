using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Exact geometric draws: k &gt;= 0 with probability (1 - exp(-x)) exp(-k x) for a rational x = s/t &gt; 0, in time
/// independent of x's size (the geometric part of Algorithm 2 of Canonne, Kamath and Steinke 2020).
/// </summary>
public sealed class GeometricSampler
{
    private readonly IRandomBitSource _source;
    private readonly Func<BigInteger, BigInteger, bool> _bernoulliExp;

    public GeometricSampler(IRandomBitSource source)
        : this(source, null)
    {
    }

    // Tests pass an exact Bernoulli(exp(-n/d)) oracle so the output distribution can be enumerated.
    internal GeometricSampler(IRandomBitSource source, Func<BigInteger, BigInteger, bool>? bernoulliExp)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _bernoulliExp = bernoulliExp ?? new BernoulliExpSampler(source).Sample;
    }

    public BigInteger Sample(Rational x)
    {
        if (x.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The rate of a geometric draw must be positive.");
        }

        var s = x.Numerator;
        var t = x.Denominator;
        // U uniform on {0..t-1} kept with probability exp(-U/t), and V ~ Geometric(exp(-1)), make U + tV ~ Geometric(exp(-1/t)).
        BigInteger u;
        do
        {
            u = _source.UniformBelow(t);
        }
        while (!_bernoulliExp(u, t));

        var v = BigInteger.Zero;
        while (_bernoulliExp(BigInteger.One, BigInteger.One))
        {
            v++;
        }

        return BigInteger.Divide(u + (t * v), s);
    }
}
