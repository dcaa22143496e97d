using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// The GLS estimator against an independent dense computation (explicit matrices over the whole domain, solved by
/// Gaussian elimination), and in a seeded simulation with the real discrete Gaussian sampler: unbiased, with the stated
/// variance, and 95% intervals that cover 94-96% of the time.
/// </summary>
public sealed class MarginalEstimatorTests
{
    private static readonly DimensionDefinition s_a = Dimension("a", 2);
    private static readonly DimensionDefinition s_b = Dimension("b", 3);
    private static readonly DimensionDefinition s_c = Dimension("c", 2);

    // Total, a, a x b and b x c: the a x c interaction is not measured, so the span is smaller than the domain (rank deficient).
    private static readonly MeasuredTable[] s_tables =
    [
        new("T0", [], 4),
        new("TA", [s_a], 3),
        new("TAB", [s_a, s_b], 10),
        new("TBC", [s_b, s_c], 6),
    ];

    public static TheoryData<string[], string[]> Queries => new()
    {
        { [], [] },
        { ["a"], ["a1"] },
        { ["b"], ["b2"] },
        { ["c"], ["c0"] },
        { ["a", "b"], ["a1", "b0"] },
        { ["b", "c"], ["b1", "c1"] },
        { ["a", "b"], ["a0", "b1|b2"] },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void The_estimate_and_its_variance_match_a_dense_GLS_solve(string[] dimensions, string[] codes)
    {
        var estimator = MarginalEstimator.For(s_tables);
        var values = Enumerable.Range(0, estimator.MeasuredCells).Select(i => (double)(((i * 37) + 11) % 23) - 4).ToArray();
        var query = Query(dimensions, codes);

        var cell = estimator.Cell(query, out var problem);
        var (estimate, variance) = DenseReference(values, query);

        Assert.Null(problem);
        Assert.NotNull(cell);
        Assert.Equal(estimate, cell.Estimate(estimator.Fit(values)), 1e-5 * Math.Max(1, Math.Abs(estimate)));
        Assert.Equal(variance, cell.Variance, 1e-5 * variance);
    }

    [Fact]
    public void A_cell_outside_the_span_of_the_measured_marginals_is_refused_with_the_reason()
    {
        var estimator = MarginalEstimator.For(s_tables);

        Assert.Null(estimator.Cell(Query(["a", "c"], ["a0", "c1"]), out var notSpanned));
        Assert.Null(estimator.Cell(Query(["d"], ["d0"]), out var unknown));
        Assert.Equal("the measured tables (T0 total; TA a; TAB a x b; TBC b x c) do not determine it: it is not a sum of their margins", notSpanned);
        Assert.Equal("no measured table has dimension 'd' (measured: T0 total; TA a; TAB a x b; TBC b x c)", unknown);
        Assert.Equal(1 + 2 + 6 + 6, estimator.MeasuredCells);
        // The total, a, a x b (6, containing the total and a) and b x c (6, sharing b's 3 margins): 6 + 6 - 3 = 9.
        Assert.Equal(9, estimator.Rank);
    }

    [Fact]
    public void The_shipped_victims_policy_combines_tables_a_national_total_no_worse_and_a_gender_breakdown_twice_as_informed()
    {
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var estimator = MarginalEstimator.For(dataset.Tables.Select(t => MeasuredTable.Of(t, dataset.Protection)).ToArray());

        var total = estimator.Cell(Query([], []), out _)!;
        var woman = estimator.Cell(Query(["gender"], ["WOMAN_GIRL"]), out _)!;

        Assert.InRange(total.Variance, 3, 4);
        // From T1 alone: 5 age cells of variance 20 = 100; T3 (6 cells, 120) and T0 inform it too.
        Assert.InRange(woman.Variance, 30, 60);
        Assert.Same(estimator, MarginalEstimator.For(dataset.Tables.Select(t => MeasuredTable.Of(t, dataset.Protection)).ToArray()));
    }

    [Fact]
    public void Over_4000_seeded_releases_estimates_are_unbiased_with_the_stated_variance_and_95_percent_intervals_cover_94_to_96_percent()
    {
        const int Draws = 4000;
        var a = Dimension("a", 2);
        var b = Dimension("b", 3);
        MeasuredTable[] tables = [new("T0", [], 4), new("TA", [a], 8), new("TAB", [a, b], 20)];
        var estimator = MarginalEstimator.For(tables);
        int[,] truth = { { 5, 0, 12 }, { 7, 3, 1 } };
        double[] measuredTruth =
        [
            truth.Cast<int>().Sum(),
            truth[0, 0] + truth[0, 1] + truth[0, 2], truth[1, 0] + truth[1, 1] + truth[1, 2],
            .. truth.Cast<int>().Select(v => (double)v),
        ];
        var queries = new List<(EstimableCell Cell, double Truth)> { (estimator.Cell(Query([], []), out _)!, measuredTruth[0]) };
        for (var i = 0; i < 2; i++)
        {
            queries.Add((estimator.Cell(Query(["a"], [$"a{i}"]), out _)!, measuredTruth[1 + i]));
        }

        for (var j = 0; j < 3; j++)
        {
            queries.Add((estimator.Cell(Query(["b"], [$"b{j}"]), out _)!, truth[0, j] + truth[1, j]));
        }

        var source = new SeededRandomBitSource(20);
        var samplers = tables.Select(t => new DiscreteGaussianSampler(source, Rational.Parse(t.Variance.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        int[] tableOfCell = [0, 1, 1, 2, 2, 2, 2, 2, 2];
        var errors = new double[queries.Count][];
        for (var q = 0; q < queries.Count; q++)
        {
            errors[q] = new double[Draws];
        }

        var covered = 0;
        var values = new double[measuredTruth.Length];
        for (var draw = 0; draw < Draws; draw++)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = measuredTruth[i] + (double)samplers[tableOfCell[i]].Sample();
            }

            var fit = estimator.Fit(values);
            for (var q = 0; q < queries.Count; q++)
            {
                var error = queries[q].Cell.Estimate(fit) - queries[q].Truth;
                errors[q][draw] = error;
                covered += Math.Abs(error) <= 1.959963984540054 * Math.Sqrt(queries[q].Cell.Variance) ? 1 : 0;
            }
        }

        for (var q = 0; q < queries.Count; q++)
        {
            var stated = queries[q].Cell.Variance;
            var mean = errors[q].Average();
            var observed = errors[q].Sum(e => (e - mean) * (e - mean)) / (Draws - 1);
            Assert.InRange(mean, -4 * Math.Sqrt(stated / Draws), 4 * Math.Sqrt(stated / Draws));
            Assert.InRange(observed / stated, 0.9, 1.1);
        }

        Assert.InRange(covered / (double)(Draws * queries.Count), 0.94, 0.96);
    }

    private static Dictionary<string, IReadOnlyCollection<string>> Query(string[] dimensions, string[] codes) =>
        dimensions.Zip(codes).ToDictionary(p => p.First, p => (IReadOnlyCollection<string>)p.Second.Split('|'));

    // The dense computation: the domain a x b x c (12 cells) as explicit vectors, every measured cell a row of A, and
    // the GLS solution of the normal equations (A^T W A + eps I) x = A^T W y by Gaussian elimination, eps -> 0 (the
    // ridge limit is the minimum-norm GLS solution; an estimable query's value and variance do not depend on which).
    private static (double Estimate, double Variance) DenseReference(double[] values, Dictionary<string, IReadOnlyCollection<string>> query)
    {
        DimensionDefinition[] domain = [s_a, s_b, s_c];
        var cells = (from ca in s_a.Codes from cb in s_b.Codes from cc in s_c.Codes select new[] { ca.Code, cb.Code, cc.Code }).ToArray();
        var rows = new List<double[]>();
        var weights = new List<double>();
        foreach (var table in s_tables)
        {
            foreach (var tableCell in new TableDefinition(table.TableId, table.TableId, table.Dimensions).EnumerateCells())
            {
                rows.Add(cells.Select(c => table.Dimensions.Select((d, k) => c[Array.IndexOf(domain, d)] == tableCell[k]).All(m => m) ? 1.0 : 0.0).ToArray());
                weights.Add(1 / table.Variance);
            }
        }

        var q = cells.Select(c => query.All(p => p.Value.Contains(c[Array.FindIndex(domain, d => d.Id == p.Key)])) ? 1.0 : 0.0).ToArray();
        var n = cells.Length;
        var normal = new double[n, n];
        var rhs = new double[n];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var u = 0; u < n; u++)
            {
                rhs[u] += weights[i] * rows[i][u] * values[i];
                for (var v = 0; v < n; v++)
                {
                    normal[u, v] += weights[i] * rows[i][u] * rows[i][v];
                }
            }
        }

        for (var u = 0; u < n; u++)
        {
            normal[u, u] += 1e-9;
        }

        var x = Solve(normal, rhs);
        var s = Solve(normal, q);
        var variance = rows.Select((row, i) => weights[i] * Math.Pow(row.Zip(s, (r, t) => r * t).Sum(), 2)).Sum();
        return (q.Zip(x, (a, b) => a * b).Sum(), variance);
    }

    private static double[] Solve(double[,] matrix, double[] rhs)
    {
        var n = rhs.Length;
        var m = (double[,])matrix.Clone();
        var x = (double[])rhs.Clone();
        for (var p = 0; p < n; p++)
        {
            var pivot = Enumerable.Range(p, n - p).MaxBy(r => Math.Abs(m[r, p]));
            for (var c = 0; c < n; c++)
            {
                (m[p, c], m[pivot, c]) = (m[pivot, c], m[p, c]);
            }

            (x[p], x[pivot]) = (x[pivot], x[p]);
            for (var r = p + 1; r < n; r++)
            {
                var f = m[r, p] / m[p, p];
                for (var c = p; c < n; c++)
                {
                    m[r, c] -= f * m[p, c];
                }

                x[r] -= f * x[p];
            }
        }

        for (var p = n - 1; p >= 0; p--)
        {
            for (var c = p + 1; c < n; c++)
            {
                x[p] -= m[p, c] * x[c];
            }

            x[p] /= m[p, p];
        }

        return x;
    }

    private static DimensionDefinition Dimension(string id, int codes) =>
        new(id, id, Enumerable.Range(0, codes).Select(i => new CodeDefinition($"{id}{i}", $"{id}{i}")).ToArray());
}
