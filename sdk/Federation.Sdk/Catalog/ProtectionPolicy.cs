using Federation.Sdk.Privacy;

namespace Federation.Sdk.Catalog;

/// <summary>The protection mechanisms a dataset can require of its releases.</summary>
public enum ProtectionMechanismKind
{
    /// <summary>Unbiased random rounding to a base, each cell's draw fixed by a keyed hash. No formal privacy guarantee.</summary>
    RandomRounding = 1,

    /// <summary>Exact discrete Gaussian noise on every cell, with a per-table variance and zCDP accounting.</summary>
    DiscreteGaussian = 2,
}

/// <summary>
/// The protection every release of a dataset must apply. For discrete Gaussian noise: each table's noise variance
/// and the zCDP budget rho a node may spend per reference year.
/// </summary>
public sealed record ProtectionPolicy(ProtectionMechanismKind Mechanism, int RoundingBase)
{
    /// <summary>The noise of each table, for noise mechanisms; empty for random rounding.</summary>
    public IReadOnlyList<TableNoise> TableNoise { get; init; } = [];

    /// <summary>The zCDP budget rho per node and reference year, for noise mechanisms; zero for random rounding.</summary>
    public Rational BudgetRho { get; init; } = Rational.Zero;

    /// <summary>Whether the mechanism adds noise (so values may be negative and the ledger accounts for them).</summary>
    public bool IsNoise => Mechanism == ProtectionMechanismKind.DiscreteGaussian;

    /// <summary>What one full release costs: the sum of the tables' rho (each table has sensitivity 1).</summary>
    public Rational ReleaseRho => TableNoise.Aggregate(Rational.Zero, (sum, t) => sum + t.Rho);

    public static ProtectionPolicy DiscreteGaussian(IReadOnlyList<TableNoise> tableNoise, Rational budgetRho) =>
        new(ProtectionMechanismKind.DiscreteGaussian, 0) { TableNoise = tableNoise, BudgetRho = budgetRho };

    /// <summary>The noise of one table, or null.</summary>
    public TableNoise? NoiseOf(string tableId) => TableNoise.FirstOrDefault(t => t.TableId == tableId);

    /// <summary>
    /// The variance of the error of one protected cell of a table: the noise variance, or for random rounding to base b
    /// the largest possible one, b^2/4.
    /// </summary>
    public double CellVariance(string tableId) => Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => NoiseOf(tableId)?.Variance.ToDouble()
            ?? throw new ArgumentException($"The policy sets no noise for table '{tableId}'.", nameof(tableId)),
        _ => RoundingBase * (double)RoundingBase / 4,
    };

    public bool Equals(ProtectionPolicy? other) =>
        other is not null
        && Mechanism == other.Mechanism
        && RoundingBase == other.RoundingBase
        && BudgetRho == other.BudgetRho
        && TableNoise.SequenceEqual(other.TableNoise);

    public override int GetHashCode() => HashCode.Combine(Mechanism, RoundingBase, BudgetRho, TableNoise.Count);

    public override string ToString() => Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian =>
            $"discrete Gaussian noise (variance {string.Join(", ", TableNoise.Select(t => $"{t.TableId} {t.Variance}"))}; rho {ReleaseRho} per release, budget {BudgetRho} per year)",
        _ => $"random rounding to base {RoundingBase}",
    };
}

/// <summary>The noise added to every cell of one table, and what it costs: rho = 1/(2 variance) for sensitivity 1.</summary>
public sealed record TableNoise(string TableId, Rational Variance)
{
    public Rational Rho => ZeroConcentratedDp.RhoOfGaussian(Variance);
}
