namespace Federation.Gateway.Query;

/// <summary>
/// Publishes a jurisdictions-by-groups table of protected values as non-negative integers that add up every way:
/// each jurisdiction's groups to its published total, each group's jurisdictions to the group's national figure, and
/// the jurisdictions' totals to the national total. Post-processing of protected values only: it costs no privacy.
/// </summary>
/// <remarks>
/// Top down, as the Census TopDown algorithm does: (1) the national total is the sum of the jurisdictions' totals
/// (from T0, the least-variance table), rounded and at least 0; (2) the jurisdictions' totals are projected onto
/// non-negative values with that sum and rounded by largest remainder; (3) the national figure of each group is
/// combined by least squares with the national total, projected and rounded the same way; (4) the table is fitted to
/// both sets of published margins by weighted least squares (weights 1/variance) on non-negative values, by Dykstra's
/// alternating projections; (5) controlled rounding, the two-way largest remainder: every cell takes its floor, and
/// the units each row and column still need go to the cells with the largest remainders (ties to the earlier
/// jurisdiction, then the earlier group), found as a minimum-cost flow, so every margin holds exactly.
/// </remarks>
public static class ConsistentTable
{
    private const int MaxFitIterations = 20_000;
    private const double FitTolerance = 1e-9;

    // Remainders are compared at this resolution, so that mathematically equal ones tie however they were computed.
    private const long RemainderResolution = 1_000_000;

    /// <summary>
    /// The published table. <paramref name="totals"/>: each jurisdiction's protected total; <paramref name="cells"/> and
    /// <paramref name="variances"/>: each jurisdiction's protected value of each group and its variance.
    /// </summary>
    public static PublishedTable Publish(double[] totals, double[][] cells, double[][] variances)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(variances);
        if (cells.Length != totals.Length || variances.Length != totals.Length)
        {
            throw new ArgumentException("One row of cells and variances per jurisdiction total.", nameof(cells));
        }

        var groups = cells.Length == 0 ? 0 : cells[0].Length;
        var national = Math.Max(0, (long)Math.Round(totals.Sum(), MidpointRounding.AwayFromZero));
        var rowTotals = PublicationView.LargestRemainder(PublicationView.ProjectOntoSimplex(totals, national), national);
        var groupValues = Enumerable.Range(0, groups).Select(h => cells.Sum(row => row[h])).ToArray();
        var groupVariances = Enumerable.Range(0, groups).Select(h => variances.Sum(row => row[h])).ToArray();
        // The national total is fixed (variance 0): the groups share out the gap to it in proportion to their variances.
        var columnTotals = groups == 0 ? [] : PublicationView.ConsistentIntegers(groupValues, groupVariances, (national, 0)).Values;
        var fitted = FitToMargins(cells, variances, rowTotals, columnTotals);
        return new PublishedTable(national, rowTotals, columnTotals, ControlledRounding(fitted, rowTotals, columnTotals));
    }

    /// <summary>
    /// The non-negative table closest to <paramref name="values"/> (weighted by 1/variance) whose rows add up to
    /// <paramref name="rowTotals"/> and columns to <paramref name="columnTotals"/>: Dykstra's alternating projections
    /// onto the row sums, the column sums and the non-negative values (only the last needs Dykstra's correction; the
    /// first two are affine). Stops when every margin is within 1e-9, or after a bounded number of rounds; the
    /// controlled rounding that follows makes the margins exact either way.
    /// </summary>
    public static double[][] FitToMargins(double[][] values, double[][] variances, long[] rowTotals, long[] columnTotals)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(variances);
        ArgumentNullException.ThrowIfNull(rowTotals);
        ArgumentNullException.ThrowIfNull(columnTotals);
        var rows = values.Length;
        var columns = columnTotals.Length;
        var x = values.Select(r => (double[])r.Clone()).ToArray();
        // A cell without variance would be fixed; a tiny weight lets it move only where nothing else can.
        var w = variances.Select(r => r.Select(v => Math.Max(v, 1e-9)).ToArray()).ToArray();
        var correction = values.Select(r => new double[r.Length]).ToArray();
        for (var iteration = 0; iteration < MaxFitIterations; iteration++)
        {
            for (var j = 0; j < rows; j++)
            {
                var gap = rowTotals[j] - x[j].Sum();
                var weight = w[j].Sum();
                for (var h = 0; h < columns; h++)
                {
                    x[j][h] += w[j][h] * gap / weight;
                }
            }

            for (var h = 0; h < columns; h++)
            {
                double sum = 0, weight = 0;
                for (var j = 0; j < rows; j++)
                {
                    sum += x[j][h];
                    weight += w[j][h];
                }

                var gap = columnTotals[h] - sum;
                for (var j = 0; j < rows; j++)
                {
                    x[j][h] += w[j][h] * gap / weight;
                }
            }

            for (var j = 0; j < rows; j++)
            {
                for (var h = 0; h < columns; h++)
                {
                    var shifted = x[j][h] + correction[j][h];
                    x[j][h] = Math.Max(shifted, 0);
                    correction[j][h] = shifted - x[j][h];
                }
            }

            if (MarginError(x, rowTotals, columnTotals) < FitTolerance)
            {
                break;
            }
        }

        return x;
    }

    /// <summary>
    /// Integers with exactly the given margins, each cell the floor or the ceiling of <paramref name="values"/>
    /// whenever the values meet the margins: every cell takes its floor, and the remaining units go to the largest
    /// remainders (ties: earlier row, then earlier column). Solved as a minimum-cost flow from rows to columns in which
    /// a cell's floor is strongly preferred, one more unit costs minus its remainder, and further units are allowed
    /// only at a prohibitive cost, so a solution exists for any non-negative margins with equal sums.
    /// </summary>
    public static long[][] ControlledRounding(double[][] values, long[] rowTotals, long[] columnTotals)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(rowTotals);
        ArgumentNullException.ThrowIfNull(columnTotals);
        if (rowTotals.Sum() != columnTotals.Sum() || rowTotals.Any(t => t < 0) || columnTotals.Any(t => t < 0))
        {
            throw new ArgumentException("The margins are non-negative and add up to the same total.", nameof(rowTotals));
        }

        var rows = rowTotals.Length;
        var columns = columnTotals.Length;
        var cellCount = (long)rows * columns;
        var tieBreak = cellCount + 1;
        var remainderScale = RemainderResolution * tieBreak;
        var prohibitive = (remainderScale + 1) * (cellCount + 1) * 4;
        var total = rowTotals.Sum();
        var flow = new MinCostFlow(rows + columns + 2);
        var source = rows + columns;
        var sink = source + 1;
        for (var j = 0; j < rows; j++)
        {
            flow.AddArc(source, j, rowTotals[j], 0);
        }

        for (var h = 0; h < columns; h++)
        {
            flow.AddArc(rows + h, sink, columnTotals[h], 0);
        }

        var arcs = new (int Floor, int Up, int More)[rows, columns];
        for (var j = 0; j < rows; j++)
        {
            for (var h = 0; h < columns; h++)
            {
                var value = Math.Max(values[j][h], 0);
                var floor = (long)Math.Floor(value);
                var remainder = (long)Math.Round((value - floor) * RemainderResolution);
                var index = ((long)j * columns) + h;
                arcs[j, h] = (
                    flow.AddArc(j, rows + h, Math.Min(floor, total), -prohibitive),
                    flow.AddArc(j, rows + h, 1, -((remainder * tieBreak) + (cellCount - index))),
                    flow.AddArc(j, rows + h, total, prohibitive));
            }
        }

        flow.Run(source, sink);
        var result = new long[rows][];
        for (var j = 0; j < rows; j++)
        {
            result[j] = new long[columns];
            for (var h = 0; h < columns; h++)
            {
                var (floorArc, upArc, moreArc) = arcs[j, h];
                result[j][h] = flow.Flow(floorArc) + flow.Flow(upArc) + flow.Flow(moreArc);
            }
        }

        return result;
    }

    private static double MarginError(double[][] x, long[] rowTotals, long[] columnTotals)
    {
        var error = 0.0;
        for (var j = 0; j < x.Length; j++)
        {
            error = Math.Max(error, Math.Abs(x[j].Sum() - rowTotals[j]));
        }

        for (var h = 0; h < columnTotals.Length; h++)
        {
            error = Math.Max(error, Math.Abs(x.Sum(row => row[h]) - columnTotals[h]));
        }

        return error;
    }

    /// <summary>Successive shortest paths (Bellman-Ford on the residual graph), augmenting by the path's bottleneck.</summary>
    private sealed class MinCostFlow(int nodes)
    {
        private readonly List<(int To, long Capacity, long Cost)> _arcs = [];
        private readonly List<long> _flow = [];
        private readonly List<int>[] _out = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();

        /// <summary>Adds an arc and its reverse; returns the arc's id.</summary>
        public int AddArc(int from, int to, long capacity, long cost)
        {
            var id = _arcs.Count;
            _arcs.Add((to, capacity, cost));
            _flow.Add(0);
            _out[from].Add(id);
            _arcs.Add((from, 0, -cost));
            _flow.Add(0);
            _out[to].Add(id + 1);
            return id;
        }

        public long Flow(int arc) => _flow[arc];

        public void Run(int source, int sink)
        {
            var distance = new long[nodes];
            var via = new int[nodes];
            while (true)
            {
                Array.Fill(distance, long.MaxValue);
                Array.Fill(via, -1);
                distance[source] = 0;
                for (var round = 0; round < nodes; round++)
                {
                    var changed = false;
                    for (var node = 0; node < nodes; node++)
                    {
                        if (distance[node] == long.MaxValue)
                        {
                            continue;
                        }

                        foreach (var arc in _out[node])
                        {
                            var (to, capacity, cost) = _arcs[arc];
                            if (_flow[arc] < capacity && distance[node] + cost < distance[to])
                            {
                                distance[to] = distance[node] + cost;
                                via[to] = arc;
                                changed = true;
                            }
                        }
                    }

                    if (!changed)
                    {
                        break;
                    }
                }

                if (distance[sink] == long.MaxValue)
                {
                    return;
                }

                var bottleneck = long.MaxValue;
                for (var node = sink; node != source; node = _arcs[via[node] ^ 1].To)
                {
                    bottleneck = Math.Min(bottleneck, _arcs[via[node]].Capacity - _flow[via[node]]);
                }

                for (var node = sink; node != source; node = _arcs[via[node] ^ 1].To)
                {
                    _flow[via[node]] += bottleneck;
                    _flow[via[node] ^ 1] -= bottleneck;
                }
            }
        }
    }
}

/// <summary>A published table: national total, each jurisdiction's total, each group's national figure, and the cells.</summary>
public sealed record PublishedTable(long National, long[] JurisdictionTotals, long[] GroupTotals, long[][] Cells);
