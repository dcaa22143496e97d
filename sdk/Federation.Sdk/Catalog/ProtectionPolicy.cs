using Federation.Sdk.Privacy;

namespace Federation.Sdk.Catalog;

/// <summary>The protection mechanisms a dataset can require of a table's releases.</summary>
public enum ProtectionMechanismKind
{
    /// <summary>Unbiased random rounding to a base, each cell's draw fixed by a keyed hash. No formal privacy guarantee.</summary>
    RandomRounding = 1,

    /// <summary>Exact discrete Gaussian noise on every cell, with a variance and zCDP accounting.</summary>
    DiscreteGaussian = 2,

    /// <summary>Exact discrete Laplace noise on every cell, with a scale; pure epsilon-DP, accounted in zCDP.</summary>
    DiscreteLaplace = 3,
}

/// <summary>
/// The protection every release of a dataset must apply: each table's mechanism and its parameter, and for noise the
/// zCDP budget rho a node may spend per reference year. A dataset is either all noise or all random rounding (see
/// <see cref="ProtectionPolicy(IReadOnlyList{TableProtection}, Rational)"/>).
/// </summary>
public sealed record ProtectionPolicy
{
    /// <summary>A policy of the given tables' protections and budget.</summary>
    /// <exception cref="ArgumentException">The policy is not valid (see <see cref="FindProblem"/>).</exception>
    public ProtectionPolicy(IReadOnlyList<TableProtection> tables, Rational budgetRho)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (FindProblem(tables, budgetRho) is { } problem)
        {
            throw new ArgumentException(problem, nameof(tables));
        }

        Tables = tables.ToArray();
        BudgetRho = budgetRho;
    }

    /// <summary>The protection of each table, in catalogue order.</summary>
    public IReadOnlyList<TableProtection> Tables { get; }

    /// <summary>The zCDP budget rho per node and reference year, for noise; zero for random rounding.</summary>
    public Rational BudgetRho { get; }

    /// <summary>Whether every table gets noise (so values may be negative and the ledger accounts for them).</summary>
    public bool IsNoise => Tables[0].IsNoise;

    /// <summary>The mechanism every table shares, or null when the tables use different ones.</summary>
    public ProtectionMechanismKind? CommonMechanism =>
        Tables.All(t => t.Mechanism == Tables[0].Mechanism) ? Tables[0].Mechanism : null;

    /// <summary>What one full release costs: the sum of the tables' rho (each table has sensitivity 1).</summary>
    /// <exception cref="InvalidOperationException">The policy is random rounding, which has no zCDP cost.</exception>
    public Rational ReleaseRho => Tables.Aggregate(Rational.Zero, (sum, t) => sum + t.Rho);

    /// <summary>Every table discrete Gaussian noise, with the given variances.</summary>
    public static ProtectionPolicy DiscreteGaussian(IEnumerable<(string TableId, Rational Variance)> variances, Rational budgetRho) =>
        new(variances.Select(v => TableProtection.DiscreteGaussian(v.TableId, v.Variance)).ToArray(), budgetRho);

    /// <summary>Every table random rounding to the same base.</summary>
    public static ProtectionPolicy RandomRounding(IEnumerable<string> tableIds, int roundingBase) =>
        new(tableIds.Select(id => TableProtection.RandomRounding(id, roundingBase)).ToArray(), Rational.Zero);

    /// <summary>
    /// Why the tables' protections and budget do not make a policy, or null when they do: at least one table, none
    /// twice, and either every table noise with a positive budget that fits one release, or every table random rounding
    /// with no budget.
    /// </summary>
    public static string? FindProblem(IReadOnlyList<TableProtection> tables, Rational budgetRho)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0)
        {
            return "A protection policy protects at least one table.";
        }

        if (tables.GroupBy(t => t.TableId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"Table '{twice.Key}' has more than one protection.";
        }

        var noise = tables.Where(t => t.IsNoise).Select(t => t.TableId).ToArray();
        var rounded = tables.Where(t => !t.IsNoise).Select(t => t.TableId).ToArray();
        if (noise.Length > 0 && rounded.Length > 0)
        {
            // Every victim counts in every table: a rounded table releases near-exact counts of the same people, so it
            // would void the guarantee of the noisy ones, and the ledger could not account for it.
            return $"Tables {string.Join(", ", noise)} are protected by noise and {string.Join(", ", rounded)} by random rounding; "
                + "a dataset is either all noise (discrete Gaussian or discrete Laplace, with a privacy budget) or all random rounding, "
                + "because every victim counts in every table and one rounded table gives away what the noise protects.";
        }

        if (rounded.Length > 0)
        {
            return budgetRho.Sign == 0 ? null : "Random rounding spends no privacy budget; a rounding policy takes no budget rho.";
        }

        if (budgetRho.Sign <= 0)
        {
            return "Noise needs a positive budget rho per node and reference year.";
        }

        var releaseRho = tables.Aggregate(Rational.Zero, (sum, t) => sum + t.Rho);
        return releaseRho > budgetRho
            ? $"One release costs rho {releaseRho}, more than the budget {budgetRho}: no node could ever release."
            : null;
    }

    /// <summary>The protection of one table, or null.</summary>
    public TableProtection? Find(string tableId) => Tables.FirstOrDefault(t => t.TableId == tableId);

    /// <summary>The protection of one table.</summary>
    /// <exception cref="ArgumentException">The policy does not protect the table.</exception>
    public TableProtection Of(string tableId) =>
        Find(tableId) ?? throw new ArgumentException($"The policy sets no protection for table '{tableId}'.", nameof(tableId));

    /// <summary>The variance of the error of one protected cell of a table (see <see cref="TableProtection.CellVariance"/>).</summary>
    public double CellVariance(string tableId) => Of(tableId).CellVariance;

    public bool Equals(ProtectionPolicy? other) =>
        other is not null && BudgetRho == other.BudgetRho && Tables.SequenceEqual(other.Tables);

    public override int GetHashCode() => HashCode.Combine(BudgetRho, Tables.Count, Tables[0]);

    public override string ToString() => IsNoise
        ? $"{string.Join("; ", Tables.Select(t => $"{t.TableId} {t.Parameters}"))}; rho {ReleaseRho} per release, budget {BudgetRho} per year"
        : string.Join("; ", Tables.Select(t => $"{t.TableId} {t.Parameters}"));
}

/// <summary>
/// The protection of one table: a mechanism and its parameter (discrete Gaussian variance, discrete Laplace scale, or
/// random rounding base), and for noise what one release of the table costs in zCDP. Every table has sensitivity 1.
/// </summary>
public sealed record TableProtection
{
    private TableProtection(string tableId, ProtectionMechanismKind mechanism, Rational variance, Rational scale, int roundingBase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableId);
        TableId = tableId;
        Mechanism = mechanism;
        Variance = variance;
        Scale = scale;
        RoundingBase = roundingBase;
    }

    public string TableId { get; }

    public ProtectionMechanismKind Mechanism { get; }

    /// <summary>The noise variance of each cell, for discrete Gaussian noise; zero otherwise.</summary>
    public Rational Variance { get; }

    /// <summary>The scale t of the noise of each cell (P(x) proportional to exp(-|x|/t)), for discrete Laplace noise; zero otherwise.</summary>
    public Rational Scale { get; }

    /// <summary>The base every cell is rounded to a multiple of, for random rounding; zero otherwise.</summary>
    public int RoundingBase { get; }

    /// <summary>Whether the mechanism adds noise (values may be negative, releases cost privacy budget).</summary>
    public bool IsNoise => Mechanism != ProtectionMechanismKind.RandomRounding;

    /// <summary>
    /// What one release of the table costs in zCDP. Discrete Gaussian noise of variance s2: rho = 1/(2 s2). Discrete
    /// Laplace noise of scale t is epsilon-DP with epsilon = 1/t, and epsilon-DP implies (epsilon^2/2)-zCDP (Bun and
    /// Steinke 2016, proposition 1.4), so rho = 1/(2 t^2). Exact fractions, no rounding.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table is randomly rounded: that gives no formal guarantee to account.</exception>
    public Rational Rho => Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => ZeroConcentratedDp.RhoOfGaussian(Variance),
        ProtectionMechanismKind.DiscreteLaplace => ZeroConcentratedDp.RhoOfPureDp(Scale.Reciprocal()),
        _ => throw new InvalidOperationException($"Table {TableId} is protected by random rounding, which has no zCDP cost: it gives no formal guarantee."),
    };

    /// <summary>
    /// The variance of the error of one protected cell: the Gaussian's variance; for the discrete Laplace of scale t,
    /// 2 e^(-1/t) / (1 - e^(-1/t))^2; for random rounding to base b the largest possible one, b^2/4.
    /// </summary>
    public double CellVariance => Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => Variance.ToDouble(),
        ProtectionMechanismKind.DiscreteLaplace => LaplaceVariance(Scale.ToDouble()),
        _ => RoundingBase * (double)RoundingBase / 4,
    };

    /// <summary>The mechanism and its parameter in words, for example "discrete Gaussian, variance 20".</summary>
    public string Parameters => Mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => $"discrete Gaussian, variance {Variance}",
        ProtectionMechanismKind.DiscreteLaplace => $"discrete Laplace, scale {Scale}",
        _ => $"random rounding to base {RoundingBase}",
    };

    /// <exception cref="ArgumentOutOfRangeException">The variance is not positive.</exception>
    public static TableProtection DiscreteGaussian(string tableId, Rational variance) =>
        variance.Sign > 0
            ? new(tableId, ProtectionMechanismKind.DiscreteGaussian, variance, Rational.Zero, 0)
            : throw new ArgumentOutOfRangeException(nameof(variance), variance, "The noise variance must be positive.");

    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive.</exception>
    public static TableProtection DiscreteLaplace(string tableId, Rational scale) =>
        scale.Sign > 0
            ? new(tableId, ProtectionMechanismKind.DiscreteLaplace, Rational.Zero, scale, 0)
            : throw new ArgumentOutOfRangeException(nameof(scale), scale, "The noise scale must be positive.");

    /// <exception cref="ArgumentOutOfRangeException">The base is below 2.</exception>
    public static TableProtection RandomRounding(string tableId, int roundingBase) =>
        roundingBase >= 2
            ? new(tableId, ProtectionMechanismKind.RandomRounding, Rational.Zero, Rational.Zero, roundingBase)
            : throw new ArgumentOutOfRangeException(nameof(roundingBase), roundingBase, "The rounding base must be at least 2.");

    public override string ToString() => $"{TableId}: {Parameters}";

    private static double LaplaceVariance(double scale)
    {
        var q = Math.Exp(-1 / scale);
        return 2 * q / ((1 - q) * (1 - q));
    }
}
