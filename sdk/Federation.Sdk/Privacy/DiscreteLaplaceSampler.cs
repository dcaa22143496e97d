using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Exact discrete Laplace draws: y with probability proportional to exp(-|y|/scale), for a rational scale &gt; 0
/// (Algorithm 2 of Canonne, Kamath and Steinke 2020). With sensitivity 1 it gives epsilon = 1/scale pure DP.
/// </summary>
public sealed class DiscreteLaplaceSampler
{
    private readonly IRandomBitSource _source;
    private readonly GeometricSampler _geometric;
    private readonly Rational _rate;

    public DiscreteLaplaceSampler(IRandomBitSource source, Rational scale)
        : this(source, scale, null)
    {
    }

    internal DiscreteLaplaceSampler(IRandomBitSource source, Rational scale, Func<BigInteger, BigInteger, bool>? bernoulliExp)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (scale.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale of discrete Laplace noise must be positive.");
        }

        _source = source;
        _geometric = new GeometricSampler(source, bernoulliExp);
        _rate = scale.Reciprocal();
        Scale = scale;
    }

    public Rational Scale { get; }

    public BigInteger Sample()
    {
        BigInteger y;
        while (!TryAttempt(out y))
        {
        }

        return y;
    }

    /// <summary>One pass of the rejection loop: false when the draw is rejected (the output is the accepted draws' distribution).</summary>
    internal bool TryAttempt(out BigInteger y)
    {
        var negative = _source.UniformBelow(2).IsOne;
        var magnitude = _geometric.Sample(_rate);
        // Zero would otherwise be drawn twice as often as it should (as +0 and -0).
        y = negative ? -magnitude : magnitude;
        return !(negative && magnitude.IsZero);
    }
}
