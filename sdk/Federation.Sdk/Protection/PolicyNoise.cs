using System.Numerics;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Protection;

/// <summary>
/// Adds to every cell the exact noise its table's policy sets: discrete Gaussian of the table's variance or discrete
/// Laplace of its scale, reading the samplers' bits from the given source in cell order. A node gives it the keyed
/// source of one release (<see cref="ReleaseNoise"/>), so the noise is a function of what is released.
/// </summary>
public sealed class PolicyNoise : IProtectionMechanism
{
    private readonly Dictionary<string, Func<BigInteger>> _samplers;

    /// <exception cref="ArgumentException">The policy is random rounding, not noise.</exception>
    public PolicyNoise(ProtectionPolicy policy, IRandomBitSource source)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(source);
        if (!policy.IsNoise)
        {
            throw new ArgumentException($"The policy requires {policy}, not noise.", nameof(policy));
        }

        Policy = policy;
        _samplers = policy.Tables.ToDictionary(t => t.TableId, t => Sampler(t, source), StringComparer.Ordinal);
    }

    public ProtectionPolicy Policy { get; }

    public long Protect(CellContext cell, long trueValue)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (!_samplers.TryGetValue(cell.TableId, out var sample))
        {
            throw new ArgumentException($"The policy sets no noise for table '{cell.TableId}'.", nameof(cell));
        }

        return checked(trueValue + (long)sample());
    }

    private static Func<BigInteger> Sampler(TableProtection table, IRandomBitSource source) => table.Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => new DiscreteGaussianSampler(source, table.Variance).Sample,
        ProtectionMechanismKind.DiscreteLaplace => new DiscreteLaplaceSampler(source, table.Scale).Sample,
        _ => throw new ArgumentException($"Table {table.TableId} is protected by {table.Parameters}, not noise.", nameof(table)),
    };
}
