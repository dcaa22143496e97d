using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;

namespace Federation.Gateway.Query;

/// <summary>
/// The publication view of an answer: non-negative integers that add up every way. Per year, the jurisdictions' cells
/// of the groups the query needs (its grouped and filtered dimensions) are published as one consistent table
/// (<see cref="ConsistentTable"/>): each jurisdiction's groups add up to its published total (from T0, the
/// least-variance table, the same whatever the breakdown), the jurisdictions' totals to the national total, and each
/// group's jurisdictions to the group's national figure. Every row of the answer is a sum of that table's cells, so a
/// jurisdiction's figures, national figures and their breakdowns agree. Margins stay those of the protected estimates.
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
        // The groups of the published table: every code combination of the grouped, then the filtered dimensions.
        var dimensions = groupBy.Concat(filters.Keys.Where(f => !groupBy.Contains(f)).Order(StringComparer.Ordinal))
            .Select(id => table.Dimensions[table.IndexOf(id)])
            .ToArray();
        var positions = dimensions.Select(d => table.IndexOf(d.Id)).ToArray();
        string[][] groups = [[]];
        foreach (var dimension in dimensions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            groups = groups.SelectMany(g => dimension.Codes.Select(c => (string[])[.. g, c.Code])).ToArray();
        }

        var groupOf = groups.Select((g, h) => (Key: string.Join('\u001F', g), h)).ToDictionary(p => p.Key, p => p.h, StringComparer.Ordinal);
        foreach (var year in response.Rows.Select(r => r.ReferenceYear).Distinct().ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var yearCells = cells.Where(c => c.ReferenceYear == year).ToArray();
            var yearTotals = totals?.Where(c => c.ReferenceYear == year).ToArray();
            var jurisdictions = yearCells.Select(c => c.Jurisdiction)
                .Where(j => yearTotals is null || yearTotals.Any(t => t.Jurisdiction == j))
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToArray();
            var values = jurisdictions.Select(_ => new double[groups.Length]).ToArray();
            var variances = jurisdictions.Select(_ => new double[groups.Length]).ToArray();
            var rowOf = jurisdictions.Select((j, i) => (j, i)).ToDictionary(p => p.j, p => p.i, StringComparer.Ordinal);
            foreach (var cell in yearCells.Where(c => rowOf.ContainsKey(c.Jurisdiction)))
            {
                var h = groupOf[string.Join('\u001F', positions.Select(p => cell.Codes[p]))];
                values[rowOf[cell.Jurisdiction]][h] += cell.Value;
                variances[rowOf[cell.Jurisdiction]][h] += cell.Variance;
            }

            var jurisdictionTotals = jurisdictions
                .Select((j, i) => yearTotals is null ? values[i].Sum() : yearTotals.Where(t => t.Jurisdiction == j).Sum(t => (double)t.Value))
                .ToArray();
            var published = ConsistentTable.Publish(jurisdictionTotals, values, variances);
            foreach (var row in response.Rows.Where(r => r.ReferenceYear == year && r.Status != CellStatus.NotAvailable))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var members = row.Jurisdiction.Length > 0 ? [row.Jurisdiction] : row.ContributingJurisdictions.ToArray();
                var value = 0L;
                for (var h = 0; h < groups.Length; h++)
                {
                    if (!InRow(groups[h], row, groupBy.Count, dimensions, filters))
                    {
                        continue;
                    }

                    value += members.Where(rowOf.ContainsKey).Sum(j => published.Cells[rowOf[j]][h]);
                }

                row.Value = value;
                row.Status = Reliability.Classify(value, row.Variance);
            }
        }
    }

    private static bool InRow(
        string[] group,
        QueryRow row,
        int grouped,
        DimensionDefinition[] dimensions,
        IReadOnlyDictionary<string, HashSet<string>> filters)
    {
        for (var k = 0; k < group.Length; k++)
        {
            if (k < grouped ? group[k] != row.Codes[k] : !filters[dimensions[k].Id].Contains(group[k]))
            {
                return false;
            }
        }

        return true;
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
