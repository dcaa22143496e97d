using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Protection;

/// <summary>
/// Adds exact discrete Gaussian noise to every cell, with the variance the policy sets for the cell's table. Each call
/// draws fresh noise: the node must not call it again for data it has already released (see <see cref="LedgeredReleaseMaker"/>).
/// </summary>
public sealed class DiscreteGaussianNoise : IProtectionMechanism
{
    private readonly Dictionary<string, DiscreteGaussianSampler> _samplers;

    public DiscreteGaussianNoise(ProtectionPolicy policy, IRandomBitSource source)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(source);
        if (policy.Mechanism != ProtectionMechanismKind.DiscreteGaussian)
        {
            throw new ArgumentException($"The policy requires {policy}, not discrete Gaussian noise.", nameof(policy));
        }

        Policy = policy;
        _samplers = policy.TableNoise.ToDictionary(t => t.TableId, t => new DiscreteGaussianSampler(source, t.Variance), StringComparer.Ordinal);
    }

    public ProtectionPolicy Policy { get; }

    public long Protect(CellContext cell, long trueValue)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (!_samplers.TryGetValue(cell.TableId, out var sampler))
        {
            throw new ArgumentException($"The policy sets no noise for table '{cell.TableId}'.", nameof(cell));
        }

        return checked(trueValue + (long)sampler.Sample());
    }
}
