using System.Collections.Concurrent;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Privacy;

/// <summary>
/// One measured noisy marginal table: its dimensions (cells in row-major order, the last dimension fastest, as
/// <see cref="TableDefinition.EnumerateCells"/> lists them) and the noise variance of each of its cells.
/// </summary>
public sealed record MeasuredTable(string TableId, IReadOnlyList<DimensionDefinition> Dimensions, double Variance)
{
    /// <summary>The measured table of a catalogue table under its protection policy.</summary>
    public static MeasuredTable Of(TableDefinition table, ProtectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policy);
        return new MeasuredTable(table.Id, table.Dimensions, policy.CellVariance(table.Id));
    }

    /// <summary>Number of cells.</summary>
    public int CellCount => Dimensions.Aggregate(1, (product, d) => checked(product * d.Codes.Count));
}

/// <summary>
/// The generalised least-squares (GLS) estimate of any marginal of one jurisdiction's unknown contingency table from
/// every noisy marginal table measured of it in one release, with the estimate's exact variance. Each measured cell is
/// the count of a set of the table's cells plus independent noise of known variance; the GLS estimate weighs every
/// measurement by its precision and is the best linear unbiased estimate (Gauss-Markov): for a total measured by T0 and
/// again as the sum of a one-way table, it combines both. Post-processing of released values only: it costs no privacy.
/// </summary>
/// <remarks>
/// <para>
/// The domain is the cross of the dimensions of the measured tables; no domain-sized matrix (nor vector) is formed.
/// Every measured cell and every query cell is the indicator of a product set of the domain (a set of codes per
/// dimension), so the inner product of two of them is a product of code-set intersection sizes: the Gram matrix G of
/// the measured cells (measured cells x measured cells) is counted exactly. A pivoted Cholesky factorisation
/// G = B B^T gives each measured cell's coordinates (a row of B) in an orthonormal basis of the span of the measured
/// marginals (its rank r is at most the number of measured cells). In that basis the measurements are
/// y_i = B_i z + e_i, so the GLS estimate is z^ = K^-1 sum_i w_i B_i y_i with K = sum_i w_i B_i^T B_i (w_i the precision
/// 1/variance of cell i), and Cov(z^) = K^-1. A query cell q (a product set) has coordinates u = L^-1 Q, where Q holds
/// its inner products with the basis cells and L is B's square part on them; it lies in the span (is estimable) exactly
/// when |q|^2 = |u|^2, and then its estimate is u.z^ with variance u^T K^-1 u.
/// </para>
/// <para>
/// The estimator depends only on the measured tables and their variances, not on the values: it is built once per
/// table set (<see cref="For"/> keeps them) and a release's values are fitted once (<see cref="Fit"/>), after which
/// every query cell costs O(r^2).
/// </para>
/// </remarks>
public sealed class MarginalEstimator
{
    // A residual diagonal below this share of the largest means the cell adds nothing to the span.
    private const double RankTolerance = 1e-9;

    // A query cell whose squared distance to the span is below this share of its own squared size lies in the span.
    private const double SpanTolerance = 1e-7;

    private static readonly ConcurrentDictionary<string, MarginalEstimator> s_estimators = new(StringComparer.Ordinal);

    private readonly DimensionDefinition[] _domain;
    private readonly int[][] _rows;
    private readonly int[] _basis;
    private readonly double[][] _coordinates;
    private readonly double[,] _information;
    private readonly double[] _precisions;

    private MarginalEstimator(IReadOnlyList<MeasuredTable> tables)
    {
        Tables = tables.ToArray();
        _domain = tables.SelectMany(t => t.Dimensions).DistinctBy(d => d.Id).ToArray();
        var rows = new List<int[]>();
        var precisions = new List<double>();
        foreach (var table in tables)
        {
            if (!(table.Variance > 0))
            {
                throw new ArgumentException($"Table {table.TableId} has noise variance {table.Variance}; GLS needs a positive variance.", nameof(tables));
            }

            var positions = table.Dimensions.Select(d => Array.FindIndex(_domain, e => e.Id == d.Id)).ToArray();
            var indices = new int[table.Dimensions.Count];
            for (var n = 0; n < table.CellCount; n++)
            {
                var row = Enumerable.Repeat(-1, _domain.Length).ToArray();
                for (var k = 0; k < positions.Length; k++)
                {
                    row[positions[k]] = indices[k];
                }

                rows.Add(row);
                precisions.Add(1 / table.Variance);
                for (var k = indices.Length - 1; k >= 0 && ++indices[k] == table.Dimensions[k].Codes.Count; k--)
                {
                    indices[k] = 0;
                }
            }
        }

        _rows = [.. rows];
        (_basis, _coordinates) = Factor(_rows);
        Rank = _basis.Length;
        _precisions = [.. precisions];
        _information = CholeskyOfInformation(_coordinates, _precisions, Rank);
    }

    /// <summary>The measured tables, in the order their values are given to <see cref="Fit"/>.</summary>
    public IReadOnlyList<MeasuredTable> Tables { get; }

    /// <summary>The dimensions of the domain: those of the measured tables, in first-seen order.</summary>
    public IReadOnlyList<DimensionDefinition> Domain => _domain;

    /// <summary>Number of measured cells (all tables).</summary>
    public int MeasuredCells => _rows.Length;

    /// <summary>The dimension of the span of the measured marginals: how many independent quantities they measure.</summary>
    public int Rank { get; }

    /// <summary>The estimator of a table set, built on first use and kept (an estimator depends only on the tables and variances).</summary>
    public static MarginalEstimator For(IReadOnlyList<MeasuredTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0)
        {
            throw new ArgumentException("GLS needs at least one measured table.", nameof(tables));
        }

        var key = string.Join(
            ";",
            tables.Select(t => $"{t.TableId}({string.Join(",", t.Dimensions.Select(d => $"{d.Id}:{d.Codes.Count}"))}){t.Variance:R}"));
        return s_estimators.GetOrAdd(key, _ => new MarginalEstimator(tables));
    }

    /// <summary>
    /// The GLS fit of one release: <paramref name="values"/> holds every measured cell, table after table in
    /// <see cref="Tables"/> order, each table's cells in row-major order. Give the result to <see cref="EstimableCell.Estimate"/>.
    /// </summary>
    public double[] Fit(ReadOnlySpan<double> values)
    {
        if (values.Length != _rows.Length)
        {
            throw new ArgumentException($"The measured tables have {_rows.Length} cells; {values.Length} values were given.", nameof(values));
        }

        var rhs = new double[Rank];
        for (var i = 0; i < _rows.Length; i++)
        {
            var weighted = _precisions[i] * values[i];
            var b = _coordinates[i];
            for (var k = 0; k < Rank; k++)
            {
                rhs[k] += weighted * b[k];
            }
        }

        return SolveCholesky(_information, rhs);
    }

    /// <summary>
    /// The query cell that counts the domain's cells whose code of each dimension in <paramref name="codes"/> is one of
    /// those given (dimensions not named: any code), or null when the measured tables do not determine it; then
    /// <paramref name="problem"/> says why.
    /// </summary>
    public EstimableCell? Cell(IReadOnlyDictionary<string, IReadOnlyCollection<string>> codes, out string? problem)
    {
        var u = CoordinatesOf(codes, out problem);
        return u is null ? null : new EstimableCell(u, QuadraticForm(u));
    }

    /// <summary>The coordinates of a measured cell (table after table, row-major) in the orthonormal basis of the span.</summary>
    internal double[] MeasuredCoordinates(int cell) => _coordinates[cell];

    /// <summary>The coordinates of a query cell in the orthonormal basis of the span, or null (with the reason) when it is outside.</summary>
    internal double[]? CoordinatesOf(IReadOnlyDictionary<string, IReadOnlyCollection<string>> codes, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var allowed = new bool[]?[_domain.Length];
        var size = 1.0;
        foreach (var (dimensionId, kept) in codes)
        {
            var d = Array.FindIndex(_domain, e => e.Id == dimensionId);
            if (d < 0)
            {
                problem = $"no measured table has dimension '{dimensionId}' (measured: {Describe(Tables)})";
                return null;
            }

            allowed[d] = _domain[d].Codes.Select(c => kept.Contains(c.Code)).ToArray();
        }

        for (var d = 0; d < _domain.Length; d++)
        {
            size *= allowed[d]?.Count(a => a) ?? _domain[d].Codes.Count;
        }

        // Forward substitution on the basis cells: u_k = (Q_k - sum_{j<k} L_kj u_j) / L_kk.
        var u = new double[Rank];
        var norm = 0.0;
        for (var k = 0; k < Rank; k++)
        {
            var basisRow = _coordinates[_basis[k]];
            var sum = Overlap(_rows[_basis[k]], allowed);
            for (var j = 0; j < k; j++)
            {
                sum -= basisRow[j] * u[j];
            }

            u[k] = sum / basisRow[k];
            norm += u[k] * u[k];
        }

        if (size - norm > SpanTolerance * Math.Max(size, 1))
        {
            problem = $"the measured tables ({Describe(Tables)}) do not determine it: it is not a sum of their margins";
            return null;
        }

        problem = null;
        return u;
    }

    private static string Describe(IEnumerable<MeasuredTable> tables) =>
        string.Join("; ", tables.Select(t => $"{t.TableId} {(t.Dimensions.Count == 0 ? "total" : string.Join(" x ", t.Dimensions.Select(d => d.Id)))}"));

    // The inner product of a measured cell (one code or any, per dimension) with a product set: the size of their intersection.
    private double Overlap(int[] row, bool[]?[] allowed)
    {
        var product = 1.0;
        for (var d = 0; d < _domain.Length && product != 0; d++)
        {
            var set = allowed[d];
            if (row[d] < 0)
            {
                product *= set?.Count(a => a) ?? _domain[d].Codes.Count;
            }
            else if (set is not null && !set[row[d]])
            {
                product = 0;
            }
        }

        return product;
    }

    // u^T K^-1 u, with K = R R^T: the squared norm of R^-1 u.
    private double QuadraticForm(double[] u)
    {
        var v = ForwardSolve(_information, u);
        return v.Sum(x => x * x);
    }

    // Pivoted Cholesky of the measured cells' Gram matrix, one column at a time: the basis cells in pivot order and every
    // cell's coordinates in the orthonormal basis they span.
    private (int[] Basis, double[][] Coordinates) Factor(int[][] rows)
    {
        var m = rows.Length;
        var residual = new double[m];
        var columns = new List<double[]>();
        var basis = new List<int>();
        for (var i = 0; i < m; i++)
        {
            residual[i] = Gram(rows[i], rows[i]);
        }

        var largest = residual.Max();
        while (basis.Count < m)
        {
            var pivot = -1;
            for (var i = 0; i < m; i++)
            {
                if (!basis.Contains(i) && (pivot < 0 || residual[i] > residual[pivot]))
                {
                    pivot = i;
                }
            }

            if (residual[pivot] <= RankTolerance * largest)
            {
                break;
            }

            var root = Math.Sqrt(residual[pivot]);
            var column = new double[m];
            for (var i = 0; i < m; i++)
            {
                var sum = Gram(rows[i], rows[pivot]);
                foreach (var previous in columns)
                {
                    sum -= previous[i] * previous[pivot];
                }

                column[i] = sum / root;
                residual[i] -= column[i] * column[i];
            }

            residual[pivot] = 0;
            columns.Add(column);
            basis.Add(pivot);
        }

        var coordinates = new double[m][];
        for (var i = 0; i < m; i++)
        {
            coordinates[i] = columns.Select(c => c[i]).ToArray();
        }

        return ([.. basis], coordinates);
    }

    private double Gram(int[] a, int[] b)
    {
        var product = 1.0;
        for (var d = 0; d < _domain.Length; d++)
        {
            if (a[d] < 0 && b[d] < 0)
            {
                product *= _domain[d].Codes.Count;
            }
            else if (a[d] >= 0 && b[d] >= 0 && a[d] != b[d])
            {
                return 0;
            }
        }

        return product;
    }

    // The lower Cholesky factor R of K = sum_i w_i B_i^T B_i (positive definite: the coordinates span R^rank).
    private static double[,] CholeskyOfInformation(double[][] coordinates, double[] precisions, int rank)
    {
        var k = new double[rank, rank];
        for (var i = 0; i < coordinates.Length; i++)
        {
            var b = coordinates[i];
            for (var p = 0; p < rank; p++)
            {
                var wp = precisions[i] * b[p];
                for (var q = 0; q <= p; q++)
                {
                    k[p, q] += wp * b[q];
                }
            }
        }

        for (var p = 0; p < rank; p++)
        {
            for (var q = 0; q <= p; q++)
            {
                var sum = k[p, q];
                for (var j = 0; j < q; j++)
                {
                    sum -= k[p, j] * k[q, j];
                }

                k[p, q] = p == q ? Math.Sqrt(sum) : sum / k[q, q];
            }
        }

        return k;
    }

    private static double[] ForwardSolve(double[,] lower, double[] rhs)
    {
        var n = rhs.Length;
        var x = new double[n];
        for (var p = 0; p < n; p++)
        {
            var sum = rhs[p];
            for (var j = 0; j < p; j++)
            {
                sum -= lower[p, j] * x[j];
            }

            x[p] = sum / lower[p, p];
        }

        return x;
    }

    private static double[] SolveCholesky(double[,] lower, double[] rhs)
    {
        var y = ForwardSolve(lower, rhs);
        var n = y.Length;
        for (var p = n - 1; p >= 0; p--)
        {
            var sum = y[p];
            for (var j = p + 1; j < n; j++)
            {
                sum -= lower[j, p] * y[j];
            }

            y[p] = sum / lower[p, p];
        }

        return y;
    }
}

/// <summary>An estimable query cell: its coordinates in the estimator's basis and the exact variance of its GLS estimate.</summary>
public sealed class EstimableCell
{
    private readonly double[] _coordinates;

    internal EstimableCell(double[] coordinates, double variance)
    {
        _coordinates = coordinates;
        Variance = variance;
    }

    /// <summary>The variance of the estimate's error (noise only), the same for every release measured alike.</summary>
    public double Variance { get; }

    /// <summary>The GLS estimate of the cell from a release's fit (<see cref="MarginalEstimator.Fit"/>).</summary>
    public double Estimate(double[] fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sum = 0.0;
        for (var k = 0; k < _coordinates.Length; k++)
        {
            sum += _coordinates[k] * fit[k];
        }

        return sum;
    }
}

/// <summary>
/// One release's GLS fit: the estimator of the tables the release measured whole, under the dataset's policy
/// variances, and the fitted coordinates. The one place where a release's cells become estimates: the gateway answers
/// from it and the served-state auditor recomputes the answers with it.
/// </summary>
public sealed class ReleaseFit
{
    private readonly double[] _fit;

    private ReleaseFit(MarginalEstimator estimator, double[] fit)
    {
        Estimator = estimator;
        _fit = fit;
    }

    public MarginalEstimator Estimator { get; }

    /// <summary>
    /// The fit of one release of a noise-protected <paramref name="dataset"/> from its cells (table id, codes in the
    /// table's dimension order, value). A table is measured when the release has every one of its cells once (a table
    /// sent in part, or not at all, is left out); null when it measured no table whole.
    /// </summary>
    public static ReleaseFit? Of(DatasetDefinition dataset, IEnumerable<(string TableId, IReadOnlyList<string> Codes, long Value)> cells)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(cells);
        var positions = dataset.Tables.Select(t => t.EnumerateCells()
            .Select((codes, i) => (Key: string.Join('\u001f', codes), Index: i))
            .ToDictionary(p => p.Key, p => p.Index, StringComparer.Ordinal)).ToArray();
        var values = dataset.Tables.Select(t => new double[t.CellCount]).ToArray();
        var sent = dataset.Tables.Select(t => new int[t.CellCount]).ToArray();
        foreach (var (tableId, codes, value) in cells)
        {
            var t = FindIndex(dataset, tableId);
            if (t >= 0 && positions[t].TryGetValue(string.Join('\u001f', codes), out var position))
            {
                values[t][position] += value;
                sent[t][position]++;
            }
        }

        var measured = Enumerable.Range(0, dataset.Tables.Count).Where(t => sent[t].All(n => n == 1)).ToArray();
        if (measured.Length == 0)
        {
            return null;
        }

        var estimator = MarginalEstimator.For(measured.Select(t => MeasuredTable.Of(dataset.Tables[t], dataset.Protection)).ToArray());
        return new ReleaseFit(estimator, estimator.Fit(measured.SelectMany(t => values[t]).ToArray()));
    }

    /// <summary>The GLS estimate of an estimable cell of <see cref="Estimator"/>.</summary>
    public double Estimate(EstimableCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Estimate(_fit);
    }

    /// <summary>
    /// The GLS estimate of the cell with these codes (dimension id to code; others: any), or null when the release
    /// does not determine it.
    /// </summary>
    public double? Estimate(IReadOnlyDictionary<string, string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var cell = Estimator.Cell(codes.ToDictionary(c => c.Key, c => (IReadOnlyCollection<string>)[c.Value], StringComparer.Ordinal), out _);
        return cell is null ? null : cell.Estimate(_fit);
    }

    private static int FindIndex(DatasetDefinition dataset, string tableId)
    {
        for (var t = 0; t < dataset.Tables.Count; t++)
        {
            if (dataset.Tables[t].Id == tableId)
            {
                return t;
            }
        }

        return -1;
    }
}
