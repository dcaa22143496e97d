using Federation.Sdk.Catalog;

namespace Federation.Gateway.Query;

/// <summary>
/// Picks the table that answers a query with the least variance: each answer sums the table's cells over the dimensions
/// it does not group by (only the filtered codes of a filtered dimension), and each summed cell adds the table's
/// noise variance. The national total comes from T0 (one cell), not from summing a two-way table's 40 noisy cells.
/// </summary>
public static class TableChoice
{
    public static TableDefinition LeastVariance(
        DatasetDefinition dataset,
        IReadOnlyList<TableDefinition> covering,
        IReadOnlyCollection<string> groupBy,
        IReadOnlyDictionary<string, HashSet<string>> filters)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (covering.Count == 0)
        {
            throw new ArgumentException("No table covers the query.", nameof(covering));
        }

        return covering
            .OrderBy(t => AnswerVariance(dataset.Protection, t, groupBy, filters))
            .ThenBy(t => t.CellCount)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .First();
    }

    /// <summary>The variance of one answer (one group, one jurisdiction) from a table.</summary>
    public static double AnswerVariance(
        ProtectionPolicy policy,
        TableDefinition table,
        IReadOnlyCollection<string> groupBy,
        IReadOnlyDictionary<string, HashSet<string>> filters)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        var summedCells = table.Dimensions
            .Where(d => !groupBy.Contains(d.Id))
            .Aggregate(1L, (product, d) => product * (filters.TryGetValue(d.Id, out var kept) ? kept.Count : d.Codes.Count));
        return summedCells * policy.CellVariance(table.Id);
    }
}
