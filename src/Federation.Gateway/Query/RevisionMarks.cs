using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;

namespace Federation.Gateway.Query;

/// <summary>
/// The revision marks of query rows, after the Statistics Canada symbols and SDMX OBS_STATUS:
/// <list type="bullet">
/// <item>"r" (revised, OBS_STATUS R): the protected cells behind the row, summed over its contributing jurisdictions'
/// releases current at the answer's tree size, differ from the same sum over each one's first release of that year
/// (the first edition);</item>
/// <item>"p" (preliminary, OBS_STATUS P): the year's last scheduled edition (publication calendar) is not yet due at the
/// time the answer refers to, so the figure may still be revised.</item>
/// </list>
/// Computed from the served releases alone; for the publication view the comparison is of the protected cells the view
/// is computed from.
/// </summary>
public static class RevisionMarks
{
    /// <summary>Sets <see cref="QueryRow.Revised"/> and <see cref="QueryRow.Preliminary"/> on every row of <paramref name="response"/>.</summary>
    public static void Mark(
        ServedSnapshot snapshot,
        DatasetDefinition dataset,
        TableDefinition table,
        QueryRequest request,
        QueryResponse response,
        long treeSize,
        DateTimeOffset referenceTime)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var groupIndexes = response.GroupBy.Select(table.IndexOf).ToArray();
        var filters = request.Filters
            .Select(f => (Index: dataset.FindDimension(f.DimensionId) is { } d ? table.IndexOf(d.Id) : -1, Codes: f.Codes.ToHashSet(StringComparer.Ordinal)))
            .Where(f => f.Index >= 0)
            .ToArray();
        bool InRow(StoredCell cell, QueryRow row)
        {
            if (cell.TableId != table.Id)
            {
                return false;
            }

            for (var i = 0; i < groupIndexes.Length; i++)
            {
                if (cell.Codes[groupIndexes[i]] != row.Codes[i])
                {
                    return false;
                }
            }

            return filters.All(f => f.Codes.Contains(cell.Codes[f.Index]));
        }

        var lastEdition = dataset.Calendar.Editions;
        foreach (var row in response.Rows)
        {
            row.Preliminary = row.Status != CellStatus.NotAvailable && dataset.Calendar.DueAt(row.ReferenceYear, lastEdition) > referenceTime;
            long change = 0;
            foreach (var jurisdiction in row.ContributingJurisdictions)
            {
                var series = SeriesKey.Statistics(dataset.Id, jurisdiction, row.ReferenceYear);
                if (snapshot.History(series) is not [StatisticsRelease first, ..] ||
                    snapshot.CurrentAsOf(series, treeSize) is not StatisticsRelease current ||
                    ReferenceEquals(first, current))
                {
                    continue;
                }

                change += current.Cells.Where(c => InRow(c, row)).Sum(c => c.Value) - first.Cells.Where(c => InRow(c, row)).Sum(c => c.Value);
            }

            row.Revised = change != 0;
        }
    }

    /// <summary>
    /// Until when the preliminary marks of a current answer hold: the first time the last scheduled edition of a
    /// year marked preliminary falls due (that year's mark then goes), or <see cref="DateTimeOffset.MaxValue"/> when no
    /// row is marked preliminary.
    /// </summary>
    public static DateTimeOffset PreliminaryUntil(DatasetDefinition dataset, QueryResponse response)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(response);
        var until = DateTimeOffset.MaxValue;
        foreach (var row in response.Rows)
        {
            if (row.Preliminary && dataset.Calendar.DueAt(row.ReferenceYear, dataset.Calendar.Editions) is var due && due < until)
            {
                until = due;
            }
        }

        return until;
    }
}
