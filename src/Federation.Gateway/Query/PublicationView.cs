using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;

namespace Federation.Gateway.Query;

/// <summary>
/// The publication view of an answer: non-negative integers that add up every way. Per year, the jurisdictions' cells
/// of the groups the query needs (its grouped and filtered dimensions) are published as one consistent table
/// (<see cref="ConsistentTable"/>): each jurisdiction's groups add up to its published total (for noise, its
/// least-squares estimate; for random rounding, T0; the same whatever the breakdown), the jurisdictions' totals to the
/// national total, and each group's jurisdictions to the group's national figure. For noise the table starts from the
/// least-squares estimates of every group (<see cref="ReleaseEstimates"/>). Every row of the answer is a sum of that
/// table's cells, so a jurisdiction's figures, national figures and their breakdowns agree. Margins stay those of the
/// protected estimates.
/// Post-processing of protected values only: it costs no privacy.
/// </summary>
public static class PublicationView
{
    /// <summary>
    /// Rewrites <paramref name="response"/>'s available rows in place. <paramref name="cells"/>: every jurisdiction's
    /// current cells of the answering <paramref name="table"/> for the answer's years (unfiltered);
    /// <paramref name="totals"/>: their cells of the total table, or null when the dataset has none. Stops with
    /// <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> (the call's) is cancelled.
    /// </summary>
    public static void Apply(
        QueryResponse response,
        TableDefinition table,
        IReadOnlyList<string> groupBy,
        IReadOnlyDictionary<string, HashSet<string>> filters,
        IReadOnlyList<CurrentCell> cells,
        IReadOnlyList<CurrentCell>? totals,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(groupBy);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(cells);
        cancellationToken.ThrowIfCancellationRequested();
        var grouping = new PublicationGrouping(table, groupBy, filters);
        var tableCells = TableCells.From(new CellLayout(table.Dimensions), cells);
        var totalCells = totals is null ? null : TableCells.From(new CellLayout([]), totals);
        Apply(response, grouping, year => Solve(grouping, tableCells, totalCells, year, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Rewrites <paramref name="response"/>'s available rows in place from the published table of each of their years
    /// (<paramref name="publishedYear"/>: solved by <see cref="Solve"/>, or kept from an earlier solve at the same tree size).
    /// </summary>
    internal static void Apply(QueryResponse response, PublicationGrouping grouping, Func<int, PublishedYear> publishedYear, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PublishedYear? published = null;
        foreach (var row in response.Rows)
        {
            if (row.Status == CellStatus.NotAvailable)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (published is null || published.Year != row.ReferenceYear)
            {
                published = publishedYear(row.ReferenceYear);
            }

            var value = 0L;
            for (var h = 0; h < grouping.Groups.Length; h++)
            {
                if (!grouping.InRow(h, row))
                {
                    continue;
                }

                if (row.Jurisdiction.Length > 0)
                {
                    value += published.Cell(row.Jurisdiction, h);
                    continue;
                }

                foreach (var jurisdiction in row.ContributingJurisdictions)
                {
                    value += published.Cell(jurisdiction, h);
                }
            }

            row.Value = value;
            row.Status = Reliability.Classify(value, row.Variance);
        }
    }

    /// <summary>
    /// The published table of one year: every jurisdiction with cells of the table (and, when the dataset has a total
    /// table, a total) by the groups of <paramref name="grouping"/>, made consistent by <see cref="ConsistentTable"/>.
    /// </summary>
    internal static PublishedYear Solve(PublicationGrouping grouping, TableCells cells, TableCells? totals, int year, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var jurisdictions = cells.JurisdictionsOf(year).Where(j => totals is null || totals.Find(year, j) is not null).ToArray();
        var groupCount = grouping.Groups.Length;
        var values = new double[jurisdictions.Length][];
        var variances = new double[jurisdictions.Length][];
        var jurisdictionTotals = new double[jurisdictions.Length];
        var rowOf = new Dictionary<string, int>(jurisdictions.Length, StringComparer.Ordinal);
        for (var i = 0; i < jurisdictions.Length; i++)
        {
            rowOf[jurisdictions[i]] = i;
            values[i] = new double[groupCount];
            variances[i] = new double[groupCount];
            var block = cells.Find(year, jurisdictions[i])!;
            for (var position = 0; position < cells.Layout.CellCount; position++)
            {
                if (block.IsPresent(position))
                {
                    var h = grouping.GroupOf(position);
                    values[i][h] += block.Value(position);
                    variances[i][h] += block.Variance(position);
                }
            }

            jurisdictionTotals[i] = totals?.Find(year, jurisdictions[i]) is { } total ? total.Sum() : values[i].Sum();
        }

        return new PublishedYear(year, rowOf, ConsistentTable.Publish(jurisdictionTotals, values, variances).Cells);
    }

    /// <summary>
    /// The published table of one year of a noise-protected dataset, starting from the least-squares estimates: every
    /// jurisdiction whose release determines the groups of <paramref name="grouping"/>, each group's estimate and its
    /// variance, and the jurisdiction's estimated total (the sum of its groups when its release does not determine
    /// it), made consistent by <see cref="ConsistentTable"/>.
    /// </summary>
    internal static PublishedYear Solve(PublicationGrouping grouping, ReleaseEstimates estimates, int year, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var groupCells = QueryCells.Of(grouping.DimensionIds, grouping.Groups, new Dictionary<string, HashSet<string>>());
        var totalCell = QueryCells.Of([], [[]], new Dictionary<string, HashSet<string>>());
        var rows = estimates.JurisdictionsOf(year)
            .Select(j => (Jurisdiction: j, Fit: estimates.Find(year, j)!))
            .Select(r => (r.Jurisdiction, r.Fit, Groups: groupCells.Under(r.Fit.Estimator), Total: totalCell.Under(r.Fit.Estimator)?[0]))
            .Where(r => r.Groups is not null)
            .ToArray();
        var rowOf = new Dictionary<string, int>(rows.Length, StringComparer.Ordinal);
        var values = new double[rows.Length][];
        var variances = new double[rows.Length][];
        var totals = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var (jurisdiction, fit, groups, total) = rows[i];
            rowOf[jurisdiction] = i;
            values[i] = groups!.Select(fit.Estimate).ToArray();
            variances[i] = groups!.Select(c => c.Variance).ToArray();
            totals[i] = total is null ? values[i].Sum() : fit.Estimate(total);
        }

        return new PublishedYear(year, rowOf, ConsistentTable.Publish(totals, values, variances).Cells);
    }

    /// <summary>
    /// Least-squares combination of parts (with their variances) and an optional total (with its variance) under the
    /// constraint that the parts add up to the total; then projection onto non-negative values summing to the rounded
    /// combined total, and largest-remainder rounding. Returns the integers and the variances of the combined estimates.
    /// </summary>
    public static (long[] Values, double[] Variances) ConsistentIntegers(double[] parts, double[] variances, (double Value, double Variance)? total)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(variances);
        var adjusted = (double[])parts.Clone();
        var combinedVariances = (double[])variances.Clone();
        var sum = parts.Sum();
        var combinedTotal = sum;
        if (total is { } t)
        {
            // Minimize sum (x_i - p_i)^2 / v_i + (sum x_i - T)^2 / V: each part takes a share of the gap r = T - sum p
            // proportional to its variance.
            var s = variances.Sum();
            var weight = s + t.Variance;
            if (weight > 0)
            {
                var gap = t.Value - sum;
                for (var i = 0; i < parts.Length; i++)
                {
                    adjusted[i] = parts[i] + (variances[i] * gap / weight);
                    combinedVariances[i] = Math.Max(0, variances[i] - (variances[i] * variances[i] / weight));
                }

                combinedTotal = sum + (s * gap / weight);
            }
            else
            {
                combinedTotal = t.Value;
            }
        }

        var rounded = Math.Max(0, (long)Math.Round(combinedTotal, MidpointRounding.AwayFromZero));
        return (LargestRemainder(ProjectOntoSimplex(adjusted, rounded), rounded), combinedVariances);
    }

    /// <summary>The closest point (in Euclidean distance) to <paramref name="values"/> with non-negative entries summing to <paramref name="total"/>.</summary>
    public static double[] ProjectOntoSimplex(double[] values, double total)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (values.Length == 0)
        {
            return [];
        }

        // x_i = max(v_i - tau, 0), with tau the threshold that makes the kept entries add up to the total.
        var sorted = values.OrderByDescending(v => v).ToArray();
        double cumulative = 0, tau = sorted[0] - total;
        for (var k = 0; k < sorted.Length; k++)
        {
            cumulative += sorted[k];
            var candidate = (cumulative - total) / (k + 1);
            if (sorted[k] - candidate > 0)
            {
                tau = candidate;
            }
        }

        return values.Select(v => Math.Max(v - tau, 0)).ToArray();
    }

    /// <summary>
    /// Integers adding up to <paramref name="total"/>: each value's floor, then one more for the largest remainders;
    /// equal remainders go to the earlier value.
    /// </summary>
    public static long[] LargestRemainder(double[] values, long total)
    {
        ArgumentNullException.ThrowIfNull(values);
        var floors = values.Select(v => (long)Math.Floor(v)).ToArray();
        // Remainders are compared at a fixed precision so that mathematically equal ones tie however they were computed.
        var order = Enumerable.Range(0, values.Length)
            .OrderByDescending(i => Math.Round(values[i] - floors[i], 9))
            .ThenBy(i => i)
            .ToArray();
        var shortfall = total - floors.Sum();
        for (var k = 0; shortfall > 0 && values.Length > 0; k = (k + 1) % values.Length, shortfall--)
        {
            floors[order[k]]++;
        }

        for (var k = values.Length - 1; shortfall < 0 && k >= 0; k--)
        {
            if (floors[order[k]] > 0)
            {
                floors[order[k]]--;
                shortfall++;
            }
        }

        return floors;
    }
}

/// <summary>
/// The groups of a published table: every code combination of the query's grouped dimensions, then its filtered ones
/// (in id order), first dimension slowest; and the group each cell of the answering table falls in.
/// </summary>
internal sealed class PublicationGrouping
{
    private readonly int[] _groupOfPosition;
    private readonly int _grouped;
    private readonly HashSet<string>?[] _kept;

    public PublicationGrouping(TableDefinition table, IReadOnlyList<string> groupBy, IReadOnlyDictionary<string, HashSet<string>> filters)
    {
        var ids = groupBy.Concat(filters.Keys.Where(f => !groupBy.Contains(f)).Order(StringComparer.Ordinal)).ToArray();
        var positions = ids.Select(table.IndexOf).ToArray();
        var dimensions = positions.Select(p => table.Dimensions[p]).ToArray();
        Key = string.Join(',', ids);
        DimensionIds = ids;
        _grouped = groupBy.Count;
        _kept = ids.Select((id, k) => k < _grouped ? null : filters[id]).ToArray();
        string[][] groups = [[]];
        foreach (var dimension in dimensions)
        {
            groups = groups.SelectMany(g => dimension.Codes.Select(c => (string[])[.. g, c.Code])).ToArray();
        }

        Groups = groups;
        var layout = new CellLayout(table.Dimensions);
        _groupOfPosition = new int[layout.CellCount];
        for (var position = 0; position < layout.CellCount; position++)
        {
            var h = 0;
            for (var k = 0; k < positions.Length; k++)
            {
                h = (h * dimensions[k].Codes.Count) + layout.CodeIndexAt(position, positions[k]);
            }

            _groupOfPosition[position] = h;
        }
    }

    /// <summary>The grouping's name within its table: its dimensions, in group order.</summary>
    public string Key { get; }

    /// <summary>The grouping's dimensions: the grouped ones, then the filtered ones not grouped (in id order).</summary>
    public IReadOnlyList<string> DimensionIds { get; }

    /// <summary>Each group's codes, in the order of the grouping's dimensions.</summary>
    public string[][] Groups { get; }

    public int GroupOf(int position) => _groupOfPosition[position];

    /// <summary>Whether group <paramref name="h"/> adds to <paramref name="row"/>: it has the row's grouped codes, and kept codes of the filtered dimensions.</summary>
    public bool InRow(int h, QueryRow row)
    {
        var group = Groups[h];
        for (var k = 0; k < group.Length; k++)
        {
            if (k < _grouped ? !string.Equals(group[k], row.Codes[k], StringComparison.Ordinal) : !_kept[k]!.Contains(group[k]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The published table of one year: each jurisdiction's published value of each group.</summary>
internal sealed class PublishedYear(int year, Dictionary<string, int> rowOf, long[][] cells)
{
    public int Year => year;

    /// <summary>The published value of a jurisdiction's group; 0 for a jurisdiction outside the table.</summary>
    public long Cell(string jurisdiction, int h) => rowOf.TryGetValue(jurisdiction, out var row) ? cells[row][h] : 0;
}
