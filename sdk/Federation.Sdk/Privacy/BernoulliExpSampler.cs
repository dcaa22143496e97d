using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Exact Bernoulli draws in integer arithmetic: Bernoulli(n/d) by one uniform integer, and Bernoulli(exp(-gamma)) for a
/// rational gamma = n/d &gt;= 0 by Algorithm 1 of Canonne, Kamath and Steinke (2020), "The Discrete Gaussian for
/// Differential Privacy".
/// </summary>
public sealed class BernoulliExpSampler(IRandomBitSource source)
{
    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/> (0 &lt;= n &lt;= d).</summary>
    public bool SampleRational(BigInteger numerator, BigInteger denominator) => source.Bernoulli(numerator, denominator);

    /// <summary>True with probability exp(-gamma).</summary>
    public bool Sample(Rational gamma) => Sample(gamma.Numerator, gamma.Denominator);

    /// <summary>True with probability exp(-n/d), for n &gt;= 0 and d &gt; 0.</summary>
    public bool Sample(BigInteger numerator, BigInteger denominator)
    {
        if (numerator.Sign < 0 || denominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), "gamma must be a non-negative rational.");
        }

        // exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))): every factor must come up true.
        var whole = BigInteger.DivRem(numerator, denominator, out var remainder);
        for (var i = BigInteger.Zero; i < whole; i++)
        {
            if (!SampleAtMostOne(BigInteger.One, BigInteger.One))
            {
                return false;
            }
        }

        return SampleAtMostOne(remainder, denominator);
    }

    // For gamma in [0, 1]: count k while Bernoulli(gamma/k) succeeds; P(the final k is odd) = exp(-gamma).
    private bool SampleAtMostOne(BigInteger numerator, BigInteger denominator)
    {
        var k = BigInteger.One;
        while (SampleRational(numerator, denominator * k))
        {
            k++;
        }

        return !k.IsEven;
    }
}
