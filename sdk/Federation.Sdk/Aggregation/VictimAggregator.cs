using Federation.Sdk.Catalog;

namespace Federation.Sdk.Aggregation;

/// <summary>
/// Counts accepted victims into every table of a dataset, per reference year. Driven by the catalogue:
/// each victim counts once in each table, in the cell its codes select.
/// </summary>
public sealed class VictimAggregator
{
    private readonly TableGrid[] _grids;
    private readonly SortedDictionary<int, long[][]> _countsByYear = [];

    public VictimAggregator(DatasetDefinition dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _grids = dataset.Tables.Select(t => new TableGrid(t)).ToArray();
    }

    /// <summary>Makes sure <paramref name="referenceYear"/> is released even if no victim is counted in it (all zeros).</summary>
    public void IncludeYear(int referenceYear) => CountsFor(referenceYear);

    /// <summary>Counts one victim identified in <paramref name="referenceYear"/> with these codes (dimension id to code).</summary>
    public void Add(int referenceYear, IReadOnlyDictionary<string, string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var cells = _grids.Select(g => g.CellIndexOf(codes)).ToArray();
        var counts = CountsFor(referenceYear);

        for (var t = 0; t < _grids.Length; t++)
        {
            counts[t][cells[t]]++;
        }
    }

    /// <summary>The counts of each year that has at least one victim or was included, in year order.</summary>
    public IReadOnlyList<YearCounts> Results() =>
        _countsByYear.Select(year => new YearCounts(year.Key, _grids.Select((grid, t) => Tabulate(grid, year.Value[t])).ToArray())).ToArray();

    private long[][] CountsFor(int referenceYear)
    {
        if (!_countsByYear.TryGetValue(referenceYear, out var counts))
        {
            counts = _grids.Select(g => new long[g.Table.CellCount]).ToArray();
            _countsByYear.Add(referenceYear, counts);
        }

        return counts;
    }

    private static TableCounts Tabulate(TableGrid grid, long[] counts) =>
        new(grid.Table, grid.Table.EnumerateCells().Select((codes, index) => new CellCount(codes, counts[index])).ToArray());
}
