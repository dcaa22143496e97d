using Federation.Contracts.V1;

namespace Federation.Gateway.Query;

/// <summary>
/// The publication view of an answer: national and jurisdiction figures as consistent, non-negative integers. Per
/// year, the rows are first combined by weighted least squares with the national total (T0) so both agree, then
/// projected onto non-negative values with that (rounded) total, then rounded by largest remainder with a
/// deterministic tie-break (earlier row first). Jurisdiction rows are made to add up to their published national row.
/// Post-processing of protected values only: it costs no privacy.
/// </summary>
public static class PublicationView
{
    /// <summary>
    /// Rewrites <paramref name="response"/>'s available rows in place. <paramref name="nationalTotals"/> holds one row per
    /// year with the national total from the least-variance table, when the rows partition that total (grouped, unfiltered).
    /// </summary>
    public static void Apply(QueryResponse response, QueryResponse? nationalTotals, bool byJurisdiction)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var year in response.Rows.Select(r => r.ReferenceYear).Distinct().ToArray())
        {
            var total = nationalTotals?.Rows.FirstOrDefault(r => r.ReferenceYear == year && r.Status != CellStatus.NotAvailable);
            var rows = response.Rows.Where(r => r.ReferenceYear == year && r.Status != CellStatus.NotAvailable).ToArray();
            if (!byJurisdiction)
            {
                Publish(rows, total is null ? null : (total.Value, total.Variance));
                continue;
            }

            var groups = rows.GroupBy(r => string.Join('\u001F', r.Codes)).ToArray();
            var national = groups.Select(g => (Value: (double)g.Sum(r => r.Value), Variance: g.Sum(r => r.Variance))).ToArray();
            var (nationalValues, _) = ConsistentIntegers(
                national.Select(n => n.Value).ToArray(),
                national.Select(n => n.Variance).ToArray(),
                total is null ? null : (total.Value, total.Variance));
            for (var g = 0; g < groups.Length; g++)
            {
                // The national figure of the group is now fixed (variance 0): the jurisdictions share it out.
                Publish(groups[g].ToArray(), (nationalValues[g], 0));
            }
        }
    }

    private static void Publish(QueryRow[] rows, (double Value, double Variance)? total)
    {
        if (rows.Length == 0)
        {
            return;
        }

        var (values, variances) = ConsistentIntegers(
            rows.Select(r => (double)r.Value).ToArray(),
            rows.Select(r => r.Variance).ToArray(),
            total);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Value = values[i];
            rows[i].Variance = variances[i];
            rows[i].Margin = Reliability.Margin(variances[i]);
            rows[i].Status = Reliability.Classify(values[i], variances[i]);
        }
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
