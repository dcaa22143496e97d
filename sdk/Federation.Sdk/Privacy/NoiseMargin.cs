using System.Collections.Concurrent;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Privacy;

/// <summary>
/// The exact 95% margin of a sum of integer noise: the smallest integer m such that the noise of n cells of a table,
/// added together, lies in [-m, m] with probability at least 95%. The noise is an integer, so the normal
/// approximation 1.96 sigma is not a 95% interval: for one cell of variance 4 it gives 3.92, and P(|noise| &lt;= 3) is
/// only about 92.3%. The distribution of the sum is computed by convolving the mechanism's probabilities (discrete
/// Gaussian: proportional to exp(-k^2 / (2 s2)); discrete Laplace: to exp(-|k| / t)), truncated where the tail mass is
/// below 1e-15. Doubles: this is accounting, not sampling.
/// </summary>
public static class NoiseMargin
{
    /// <summary>The coverage of the margin.</summary>
    public const double Coverage = 0.95;

    private static readonly ConcurrentDictionary<(ProtectionMechanismKind, Rational, int), long> s_margins = new();

    /// <summary>The margin of the sum of <paramref name="cells"/> cells of <paramref name="table"/>; null for random rounding (no noise distribution).</summary>
    public static long? Of(TableProtection table, int cells)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(cells);
        if (!table.IsNoise)
        {
            return null;
        }

        if (cells == 0)
        {
            return 0;
        }

        var parameter = table.Mechanism == ProtectionMechanismKind.DiscreteGaussian ? table.Variance : table.Scale;
        return s_margins.GetOrAdd((table.Mechanism, parameter, cells), key => Compute(Probabilities(key.Item1, key.Item2.ToDouble()), key.Item3));
    }

    // Probabilities of one cell's noise on [-K, K], K far enough out that the mass beyond is below 1e-15.
    private static double[] Probabilities(ProtectionMechanismKind mechanism, double parameter)
    {
        Func<int, double> weight = mechanism == ProtectionMechanismKind.DiscreteGaussian
            ? k => Math.Exp(-(double)k * k / (2 * parameter))
            : k => Math.Exp(-Math.Abs(k) / parameter);
        var reach = mechanism == ProtectionMechanismKind.DiscreteGaussian
            ? (int)Math.Ceiling(9 * Math.Sqrt(parameter)) + 1
            : (int)Math.Ceiling(36 * parameter) + 1;
        var probabilities = Enumerable.Range(-reach, (2 * reach) + 1).Select(weight).ToArray();
        var total = probabilities.Sum();
        return probabilities.Select(p => p / total).ToArray();
    }

    private static long Compute(double[] cell, int cells)
    {
        var sum = new[] { 1.0 };
        for (var i = 0; i < cells; i++)
        {
            var next = new double[sum.Length + cell.Length - 1];
            for (var a = 0; a < sum.Length; a++)
            {
                for (var b = 0; b < cell.Length; b++)
                {
                    next[a + b] += sum[a] * cell[b];
                }
            }

            sum = next;
        }

        // The sum is symmetric about its centre index; widen the interval until it holds the coverage.
        var centre = sum.Length / 2;
        var covered = sum[centre];
        var margin = 0;
        while (covered < Coverage)
        {
            margin++;
            covered += sum[centre - margin] + sum[centre + margin];
        }

        return margin;
    }
}
