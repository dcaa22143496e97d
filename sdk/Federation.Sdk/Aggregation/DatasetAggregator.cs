using Federation.Sdk.Catalog;

namespace Federation.Sdk.Aggregation;

/// <summary>
/// Counts accepted records into every table of a dataset, per reference year. Driven by the catalogue: each record
/// counts once in each table, in the cell its codes select.
/// </summary>
public sealed class DatasetAggregator
{
    private readonly DatasetDefinition _dataset;
    private readonly TableGrid[] _grids;
    private readonly SortedDictionary<int, long[][]> _countsByYear = [];
    private int _lastYear;
    private long[][]? _lastCounts;

    public DatasetAggregator(DatasetDefinition dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _dataset = dataset;
        _grids = [.. dataset.Tables.Select(t => new TableGrid(t, dataset))];
    }

    /// <summary>Makes sure <paramref name="referenceYear"/> is released even if no record is counted in it (all zeros).</summary>
    public void IncludeYear(int referenceYear) => CountsFor(referenceYear);

    /// <summary>
    /// Counts one record of <paramref name="referenceYear"/> whose code in each dimension (in the dataset's dimension
    /// order) is at <paramref name="codeIndexes"/> in that dimension's code list.
    /// </summary>
    public void Add(int referenceYear, IReadOnlyList<int> codeIndexes)
    {
        ArgumentNullException.ThrowIfNull(codeIndexes);
        var counts = CountsFor(referenceYear);
        for (var t = 0; t < _grids.Length; t++)
        {
            counts[t][_grids[t].CellIndexOf(codeIndexes)]++;
        }
    }

    /// <summary>
    /// Counts one record, as <see cref="Add(int, IReadOnlyList{int})"/> does, from a span of code indexes (the pipeline's
    /// fast path: nothing allocated per record).
    /// </summary>
    public void Add(int referenceYear, ReadOnlySpan<int> codeIndexes)
    {
        var counts = CountsFor(referenceYear);
        for (var t = 0; t < _grids.Length; t++)
        {
            counts[t][_grids[t].CellIndexOf(codeIndexes)]++;
        }
    }

    /// <summary>Counts one record with these codes (dimension id to code).</summary>
    public void Add(int referenceYear, IReadOnlyDictionary<string, string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        Add(referenceYear, [.. _dataset.Dimensions.Select(d => IndexOf(d, codes))]);
    }

    /// <summary>The counts of each year that has at least one record or was included, in year order.</summary>
    public IReadOnlyList<YearCounts> Results() =>
        _countsByYear.Select(year => new YearCounts(year.Key, _grids.Select((grid, t) => Tabulate(grid, year.Value[t])).ToArray())).ToArray();

    private static int IndexOf(DimensionDefinition dimension, IReadOnlyDictionary<string, string> codes)
    {
        if (!codes.TryGetValue(dimension.Id, out var code))
        {
            throw new ArgumentException($"The record has no code for dimension '{dimension.Id}'.", nameof(codes));
        }

        for (var i = 0; i < dimension.Codes.Count; i++)
        {
            if (dimension.Codes[i].Code == code)
            {
                return i;
            }
        }

        throw new ArgumentException($"'{code}' is not a code of dimension '{dimension.Id}'.", nameof(codes));
    }

    private long[][] CountsFor(int referenceYear)
    {
        if (_lastCounts is not null && _lastYear == referenceYear)
        {
            return _lastCounts;
        }

        if (!_countsByYear.TryGetValue(referenceYear, out var counts))
        {
            counts = _grids.Select(g => new long[g.Table.CellCount]).ToArray();
            _countsByYear.Add(referenceYear, counts);
        }

        (_lastYear, _lastCounts) = (referenceYear, counts);
        return counts;
    }

    private static TableCounts Tabulate(TableGrid grid, long[] counts) =>
        new(grid.Table, grid.Table.EnumerateCells().Select((codes, index) => new CellCount(codes, counts[index])).ToArray());
}
