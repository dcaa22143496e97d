using Federation.Contracts.V1;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Output;

/// <summary>Describes a published protection policy in words, for people.</summary>
internal static class ProtectionText
{
    public static string Describe(ProtectionPolicy policy) => policy.Mechanism switch
    {
        ProtectionMechanism.RandomRounding => $"unbiased random rounding to base {policy.RoundingBase} (no formal privacy guarantee)",
        ProtectionMechanism.DiscreteGaussian => DescribeNoise(policy),
        var other => other.ToString(),
    };

    private static string DescribeNoise(ProtectionPolicy policy)
    {
        var release = policy.TableNoise.Aggregate(Rational.Zero, (sum, t) => sum + ZeroConcentratedDp.RhoOfGaussian(Rational.Parse(t.Variance)));
        var variances = string.Join(", ", policy.TableNoise.Select(t => $"{t.TableId} {t.Variance}"));
        return $"exact discrete Gaussian noise, zCDP (noise variance {variances}); one release costs rho {release}, "
            + $"budget rho {policy.BudgetRho} per node and reference year";
    }
}
