using System.Numerics;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// Computes a sampler's exact output distribution by enumeration instead of sampling: every sequence of random choices
/// the sampler can make (uniform integers, each value 1/bound; rational Bernoulli draws, n/d and 1 - n/d) is explored
/// depth first with its probability. Paths less likely than a cut-off are not explored and their total mass is
/// reported, so every enumerated probability is exact to within that mass (and double rounding).
/// </summary>
internal sealed class EnumeratingSource : IRandomBitSource
{
    private List<int> _path = [];
    private int _position;

    public void Fill(Span<byte> destination) =>
        throw new InvalidOperationException("The samplers draw uniform integers and Bernoulli trials; raw bytes cannot be enumerated.");

    public BigInteger UniformBelow(BigInteger bound) =>
        _position < _path.Count ? _path[_position++] : throw new Branch(Enumerable.Repeat(1.0 / (double)bound, (int)bound).ToArray());

    public bool Bernoulli(BigInteger numerator, BigInteger denominator)
    {
        if (_position < _path.Count)
        {
            return _path[_position++] == 1;
        }

        var p = (double)numerator / (double)denominator;
        throw new Branch([1 - p, p]);
    }

    /// <summary>
    /// An exact Bernoulli(exp(-n/d)) choice, branching two ways with weights 1 - exp(-n/d) and exp(-n/d). The samplers
    /// built on Bernoulli(exp(-gamma)) are enumerated with it, since that sampler is itself checked by full enumeration
    /// and its repeated trials would otherwise multiply the paths beyond reach.
    /// </summary>
    public bool BernoulliExp(BigInteger numerator, BigInteger denominator)
    {
        if (_position < _path.Count)
        {
            return _path[_position++] == 1;
        }

        var p = Math.Exp(-(double)numerator / (double)denominator);
        throw new Branch([1 - p, p]);
    }

    /// <summary>
    /// An exact discrete Laplace choice over -bound..bound with weights proportional to exp(-|y|/scale) (the rest of the
    /// support is left unexplored), for enumerating the discrete Gaussian sampler on top of the checked Laplace sampler.
    /// </summary>
    public BigInteger Laplace(Rational scale)
    {
        const int Bound = 60;
        if (_position < _path.Count)
        {
            return _path[_position++] - Bound;
        }

        var b = scale.ToDouble();
        var normalizer = (1 + Math.Exp(-1 / b)) / (1 - Math.Exp(-1 / b));
        throw new Branch(Enumerable.Range(-Bound, (2 * Bound) + 1).Select(y => Math.Exp(-Math.Abs(y) / b) / normalizer).ToArray());
    }

    /// <summary>
    /// The output distribution of one pass of a rejection loop (null = rejected), conditional on acceptance, which is
    /// the distribution of the loop's output; and the probability mass left unexplored (relative to the accepted mass).
    /// </summary>
    public static (Dictionary<BigInteger, double> Probabilities, double Unexplored) EnumerateAccepted(
        Func<EnumeratingSource, Func<BigInteger?>> attempt,
        double cutoff = 1e-13)
    {
        var (outcomes, unexplored) = Enumerate(source => () => attempt(source)() ?? Rejected, cutoff);
        var accepted = outcomes.Where(o => o.Key != Rejected).Sum(o => o.Value);
        var probabilities = outcomes.Where(o => o.Key != Rejected).ToDictionary(o => o.Key, o => o.Value / accepted);
        return (probabilities, unexplored / accepted);
    }

    // Outside every sampler's reach in these tests.
    private static readonly BigInteger Rejected = BigInteger.Pow(10, 30);

    /// <summary>The output distribution of a sampler, and the probability mass left unexplored.</summary>
    public static (Dictionary<BigInteger, double> Probabilities, double Unexplored) Enumerate(
        Func<EnumeratingSource, Func<BigInteger>> sampler,
        double cutoff = 1e-11)
    {
        var source = new EnumeratingSource();
        var sample = sampler(source);
        var probabilities = new Dictionary<BigInteger, double>();
        var unexplored = 0.0;
        var stack = new Stack<(List<int> Path, double Probability)>();
        stack.Push(([], 1.0));
        while (stack.Count > 0)
        {
            var (path, probability) = stack.Pop();
            source._path = path;
            source._position = 0;
            try
            {
                var value = sample();
                probabilities[value] = probabilities.GetValueOrDefault(value) + probability;
            }
            catch (Branch branch)
            {
                for (var choice = 0; choice < branch.Weights.Length; choice++)
                {
                    var child = probability * branch.Weights[choice];
                    if (child == 0)
                    {
                        continue;
                    }

                    if (child < cutoff)
                    {
                        unexplored += child;
                    }
                    else
                    {
                        stack.Push(([.. path, choice], child));
                    }
                }
            }
        }

        return (probabilities, unexplored);
    }

    private sealed class Branch(double[] weights) : Exception
    {
        public double[] Weights { get; } = weights;
    }
}
