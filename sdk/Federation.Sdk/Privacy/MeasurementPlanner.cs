using System.Globalization;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Privacy;

/// <summary>A table of a measurement plan: its id (the catalogue's when it already has the table), dimensions and exact noise variance.</summary>
public sealed record PlannedTable(string Id, string Title, IReadOnlyList<DimensionDefinition> Dimensions, Rational Variance)
{
    public MeasuredTable Measured => new(Id, Dimensions, Variance.ToDouble());
}

/// <summary>The expected 95% margin of a workload query: of its widest cell, for the country or for one jurisdiction.</summary>
public sealed record WorkloadMargin(WorkloadQuery Query, double Margin);

/// <summary>
/// Chooses which marginal tables each node measures, and the discrete Gaussian noise variance of each, for a dataset's
/// workload (<see cref="DatasetDefinition.Workload"/>): among the total, every one-way table and the tables of the
/// workload's queries of two or more dimensions, the precisions w_t = 1/variance that minimise the workload's weighted
/// total expected squared error of the GLS estimates (<see cref="MarginalEstimator"/>) at the same zCDP cost per
/// release as the catalogue's policy (rho = sum_t w_t / 2, each table of sensitivity 1). A table given (almost) no
/// precision is not measured.
/// </summary>
/// <remarks>
/// In the orthonormal basis of the span of all candidate tables (<see cref="MarginalEstimator"/>), the information of
/// a plan is K(w) = sum_t w_t S_t with S_t = sum over t's cells of b b^T, and the loss is f(w) = tr(K^-1 U) with
/// U = sum over the workload's cells of weight u u^T: convex in w, with gradient -tr(K^-1 U K^-1 S_t). At the optimum
/// every measured table has the same marginal gain per unit of rho; the multiplicative update
/// w_t := w_t sqrt(-df/dw_t), rescaled to the budget, moves towards it (the classical algorithm for A-optimal designs).
/// </remarks>
public static class MeasurementPlanner
{
    private const int MaxIterations = 400;
    private const double Convergence = 1e-9;

    // A table whose share of the precision falls below this is not worth measuring.
    private const double DropShare = 1e-3;

    /// <summary>The plan for <paramref name="dataset"/>'s workload at the release rho of its current policy.</summary>
    /// <exception cref="ArgumentException">The dataset has no workload, or its policy is not discrete Gaussian noise.</exception>
    public static IReadOnlyList<PlannedTable> Plan(DatasetDefinition dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Workload.Count == 0)
        {
            throw new ArgumentException($"Dataset '{dataset.Id}' lists no workload: there is nothing to plan for.", nameof(dataset));
        }

        if (dataset.Protection.CommonMechanism != ProtectionMechanismKind.DiscreteGaussian)
        {
            throw new ArgumentException($"Dataset '{dataset.Id}' is not protected by discrete Gaussian noise: a plan sets Gaussian variances.", nameof(dataset));
        }

        var candidates = Candidates(dataset);
        var budget = 2 * dataset.Protection.ReleaseRho.ToDouble();
        var precision = Optimise(dataset, candidates, budget);

        // Tables hardly worth measuring are dropped (one at a time, while the workload stays determined without
        // them), and the budget is shared again among the others.
        var kept = candidates.ToList();
        foreach (var t in Enumerable.Range(0, candidates.Length).Where(t => precision[t] < DropShare * budget).OrderBy(t => precision[t]))
        {
            var without = kept.Where(c => c != candidates[t]).Select(c => c.Measured).ToArray();
            if (without.Length > 0 && Margins(dataset, without).All(m => m.Margin is not null))
            {
                kept.Remove(candidates[t]);
            }
        }

        if (kept.Count < candidates.Length)
        {
            candidates = [.. kept];
            precision = Optimise(dataset, candidates, budget);
        }

        return candidates.Select((c, t) => c with { Variance = ExactVariance(precision[t]) }).ToArray();
    }

    /// <summary>
    /// The expected 95% margin of each workload query (its widest cell; national: the sum over the dataset's
    /// jurisdictions) with GLS estimates from <paramref name="tables"/>; null for a query they do not determine.
    /// </summary>
    public static IReadOnlyList<(WorkloadQuery Query, double? Margin)> Margins(DatasetDefinition dataset, IReadOnlyList<MeasuredTable> tables)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var estimator = MarginalEstimator.For(tables);
        return dataset.Workload.Select(q =>
        {
            var cells = QueryCells(q).Select(c => estimator.Cell(c, out _)).ToArray();
            double? margin = cells.Any(c => c is null)
                ? null
                : 1.959963984540054 * Math.Sqrt(cells.Max(c => c!.Variance) * (q.ByJurisdiction ? 1 : dataset.Jurisdictions.Count));
            return (q, margin);
        }).ToArray();
    }

    /// <summary>The cells of a workload query: every code combination of its dimensions.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> QueryCells(WorkloadQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        IEnumerable<Dictionary<string, IReadOnlyCollection<string>>> cells = [new(StringComparer.Ordinal)];
        foreach (var dimension in query.Dimensions)
        {
            cells = cells.SelectMany(c => dimension.Codes.Select(code => new Dictionary<string, IReadOnlyCollection<string>>(c, StringComparer.Ordinal) { [dimension.Id] = [code.Code] }));
        }

        return cells;
    }

    // The total, each dimension alone, and each workload query's dimensions (two or more): the catalogue's id and title
    // when it has a table of those dimensions, otherwise the next free "T<n>".
    private static PlannedTable[] Candidates(DatasetDefinition dataset)
    {
        var sets = new List<DimensionDefinition[]> { Array.Empty<DimensionDefinition>() };
        sets.AddRange(dataset.Dimensions.Select(d => new[] { d }));
        sets.AddRange(dataset.Workload.Where(q => q.Dimensions.Count >= 2).Select(q => q.Dimensions.ToArray()));
        var next = dataset.Tables.Select(t => t.Id.StartsWith('T') && int.TryParse(t.Id[1..], CultureInfo.InvariantCulture, out var n) ? n : -1).DefaultIfEmpty(-1).Max() + 1;
        var candidates = new List<PlannedTable>();
        foreach (var set in sets)
        {
            if (candidates.Any(c => SameDimensions(c.Dimensions, set)))
            {
                continue;
            }

            var existing = dataset.Tables.FirstOrDefault(t => SameDimensions(t.Dimensions, set));
            candidates.Add(existing is not null
                ? new PlannedTable(existing.Id, existing.Title, existing.Dimensions, Rational.One)
                : new PlannedTable($"T{next++}", set.Length == 0 ? "Total" : string.Join(" by ", set.Select((d, k) => k == 0 ? d.Title : d.Title.ToLowerInvariant())), set, Rational.One));
        }

        return [.. candidates];
    }

    private static bool SameDimensions(IReadOnlyList<DimensionDefinition> a, DimensionDefinition[] b) =>
        a.Count == b.Length && a.All(b.Contains);

    // The precision of each candidate (0: not measured), summing to the budget 2 rho.
    private static double[] Optimise(DatasetDefinition dataset, PlannedTable[] candidates, double budget)
    {
        var estimator = MarginalEstimator.For(candidates.Select(c => c.Measured).ToArray());
        var r = estimator.Rank;
        var information = new double[candidates.Length][,];
        var row = 0;
        for (var t = 0; t < candidates.Length; t++)
        {
            information[t] = new double[r, r];
            for (var n = 0; n < candidates[t].Measured.CellCount; n++, row++)
            {
                AddOuter(information[t], estimator.MeasuredCoordinates(row), 1);
            }
        }

        var workload = new double[r, r];
        foreach (var query in dataset.Workload)
        {
            foreach (var cell in QueryCells(query))
            {
                AddOuter(workload, estimator.CoordinatesOf(cell, out _)!, query.Weight);
            }
        }

        var precision = Enumerable.Repeat(budget / candidates.Length, candidates.Length).ToArray();
        var loss = double.PositiveInfinity;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var inverse = Inverse(Sum(information, precision, r));
            var inverseWorkload = Multiply(inverse, workload);
            var current = Trace(inverseWorkload);
            var weighted = Multiply(inverseWorkload, inverse);
            for (var t = 0; t < precision.Length; t++)
            {
                precision[t] *= Math.Sqrt(Math.Max(0, Frobenius(weighted, information[t])));
            }

            var scale = budget / precision.Sum();
            for (var t = 0; t < precision.Length; t++)
            {
                precision[t] *= scale;
            }

            if (Math.Abs(loss - current) <= Convergence * current)
            {
                break;
            }

            loss = current;
        }

        return precision;
    }

    // The variance 1/precision as an exact decimal with two places, rounded up so that the plan never costs more than
    // the budget.
    private static Rational ExactVariance(double precision) => new((long)Math.Ceiling(100 / precision), 100);

    private static void AddOuter(double[,] target, double[] v, double weight)
    {
        for (var i = 0; i < v.Length; i++)
        {
            var wi = weight * v[i];
            for (var j = 0; j < v.Length; j++)
            {
                target[i, j] += wi * v[j];
            }
        }
    }

    private static double[,] Sum(double[][,] matrices, double[] weights, int r)
    {
        var sum = new double[r, r];
        for (var t = 0; t < matrices.Length; t++)
        {
            if (weights[t] == 0)
            {
                continue;
            }

            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < r; j++)
                {
                    sum[i, j] += weights[t] * matrices[t][i, j];
                }
            }
        }

        return sum;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var product = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    product[i, j] += aik * b[k, j];
                }
            }
        }

        return product;
    }

    private static double Trace(double[,] a)
    {
        var sum = 0.0;
        for (var i = 0; i < a.GetLength(0); i++)
        {
            sum += a[i, i];
        }

        return sum;
    }

    private static double Frobenius(double[,] a, double[,] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                sum += a[i, j] * b[i, j];
            }
        }

        return sum;
    }

    // The inverse of a symmetric positive definite matrix, by Gauss-Jordan elimination with partial pivoting.
    private static double[,] Inverse(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            inverse[i, i] = 1;
        }

        for (var p = 0; p < n; p++)
        {
            var pivot = p;
            for (var i = p + 1; i < n; i++)
            {
                if (Math.Abs(a[i, p]) > Math.Abs(a[pivot, p]))
                {
                    pivot = i;
                }
            }

            for (var j = 0; j < n; j++)
            {
                (a[p, j], a[pivot, j]) = (a[pivot, j], a[p, j]);
                (inverse[p, j], inverse[pivot, j]) = (inverse[pivot, j], inverse[p, j]);
            }

            var diagonal = a[p, p];
            for (var j = 0; j < n; j++)
            {
                a[p, j] /= diagonal;
                inverse[p, j] /= diagonal;
            }

            for (var i = 0; i < n; i++)
            {
                var f = a[i, p];
                if (i == p || f == 0)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    a[i, j] -= f * a[p, j];
                    inverse[i, j] -= f * inverse[p, j];
                }
            }
        }

        return inverse;
    }
}
