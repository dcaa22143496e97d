using System.Collections.Concurrent;
using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;

namespace Federation.Gateway.Query;

/// <summary>
/// The figures of one dataset served at one tree size, laid out for answering any covered group-by without reading
/// anything else: per table, reference year and jurisdiction, one block of cell values and variances in the table's
/// cell order (<see cref="CellLayout"/>). Built from the verified releases of the served state (never from the
/// database) once per tree size: the current one, or an "as of" one. Publication views solved at this tree size are
/// kept with it, so each is solved once per served change, not once per request.
/// </summary>
public sealed class ServedTables
{
    private readonly StatisticsRelease[] _releases;
    private readonly ConcurrentDictionary<string, Lazy<TableCells>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PublishedYearKey, PublishedYear> _published = new();
    private ReleaseEstimates? _estimates;

    private ServedTables(long treeSize, StatisticsRelease[] releases)
    {
        TreeSize = treeSize;
        _releases = releases;
        Years = releases.Select(r => r.ReferenceYear).Distinct().Order().ToArray();
    }

    /// <summary>The tree size whose current releases these are.</summary>
    public long TreeSize { get; }

    /// <summary>The reference years of which any release is current, ascending.</summary>
    public IReadOnlyList<int> Years { get; }

    /// <summary>
    /// The releases of <paramref name="datasetId"/> current when the log held <paramref name="treeSize"/> leaves, from a
    /// snapshot that holds at least that many.
    /// </summary>
    public static ServedTables Of(ServedSnapshot snapshot, string datasetId, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.TreeSize < treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), $"The snapshot holds {snapshot.TreeSize} leaves, fewer than {treeSize}.");
        }

        return new ServedTables(treeSize, [.. ServedStatistics.Current(snapshot, datasetId, treeSize)]);
    }

    /// <summary>The cells of one table, laid out on first use.</summary>
    public TableCells Table(TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return _tables.GetOrAdd(table.Id, _ => new Lazy<TableCells>(() => TableCells.From(
            new CellLayout(table.Dimensions),
            _releases.SelectMany(r => r.Cells.Where(c => c.TableId == table.Id)
                .Select(c => new CurrentCell(r.Jurisdiction, r.ReferenceYear, c.Codes, c.Value, c.Variance)))))).Value;
    }

    /// <summary>The GLS fits of the releases (of <paramref name="dataset"/>, this figures' dataset), computed on first use.</summary>
    public ReleaseEstimates Estimates(DatasetDefinition dataset) =>
        LazyInitializer.EnsureInitialized(ref _estimates, () => ReleaseEstimates.Of(dataset, _releases));

    /// <summary>
    /// The published table of a year for one grouping (<paramref name="grouping"/> names it), solved on first use. A
    /// solve stopped by its call's cancellation is not kept; two calls may solve the same table at once (same result).
    /// </summary>
    internal PublishedYear Published(string tableId, string grouping, int year, Func<PublishedYear> solve)
    {
        var key = new PublishedYearKey(tableId, grouping, year);
        return _published.TryGetValue(key, out var published) ? published : _published.GetOrAdd(key, solve());
    }

    private readonly record struct PublishedYearKey(string TableId, string Grouping, int Year);
}

/// <summary>
/// Where each cell of a table sits in a block: codes in mixed radix of the dimensions' code lists (the last dimension
/// varies fastest, as <see cref="TableDefinition.EnumerateCells"/> lists them).
/// </summary>
public sealed class CellLayout
{
    private readonly Dictionary<string, int>[] _codeIndexes;

    public CellLayout(IReadOnlyList<DimensionDefinition> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Dimensions = dimensions;
        _codeIndexes = new Dictionary<string, int>[dimensions.Count];
        CellCount = 1;
        for (var d = 0; d < dimensions.Count; d++)
        {
            var codes = dimensions[d].Codes;
            _codeIndexes[d] = new Dictionary<string, int>(codes.Count, StringComparer.Ordinal);
            for (var c = 0; c < codes.Count; c++)
            {
                _codeIndexes[d][codes[c].Code] = c;
            }

            CellCount = checked(CellCount * codes.Count);
        }
    }

    public IReadOnlyList<DimensionDefinition> Dimensions { get; }

    public int CellCount { get; }

    /// <summary>The position of a cell's codes, or -1 when a code is not one of its dimension's.</summary>
    public int PositionOf(IReadOnlyList<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count != _codeIndexes.Length)
        {
            return -1;
        }

        var position = 0;
        for (var d = 0; d < _codeIndexes.Length; d++)
        {
            if (!_codeIndexes[d].TryGetValue(codes[d], out var index))
            {
                return -1;
            }

            position = (position * Dimensions[d].Codes.Count) + index;
        }

        return position;
    }

    /// <summary>The index, in its dimension's code list, of the code of dimension <paramref name="dimension"/> at <paramref name="position"/>.</summary>
    public int CodeIndexAt(int position, int dimension)
    {
        for (var d = Dimensions.Count - 1; d > dimension; d--)
        {
            position /= Dimensions[d].Codes.Count;
        }

        return position % Dimensions[dimension].Codes.Count;
    }
}

/// <summary>The cells of one table per reference year and jurisdiction, each in one <see cref="CellBlock"/>.</summary>
public sealed class TableCells
{
    private readonly Dictionary<(int Year, string Jurisdiction), CellBlock> _blocks;
    private readonly Dictionary<int, string[]> _jurisdictionsByYear;

    private TableCells(CellLayout layout, Dictionary<(int Year, string Jurisdiction), CellBlock> blocks)
    {
        Layout = layout;
        _blocks = blocks;
        _jurisdictionsByYear = blocks.Keys.GroupBy(k => k.Year)
            .ToDictionary(g => g.Key, g => g.Select(k => k.Jurisdiction).Order(StringComparer.Ordinal).ToArray());
    }

    public CellLayout Layout { get; }

    /// <summary>Lays out <paramref name="cells"/> (of one table: codes in the layout's dimension order); a cell whose codes are not in the layout is left out.</summary>
    public static TableCells From(CellLayout layout, IEnumerable<CurrentCell> cells)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(cells);
        var blocks = new Dictionary<(int Year, string Jurisdiction), CellBlock>();
        foreach (var cell in cells)
        {
            var position = layout.PositionOf(cell.Codes);
            if (position < 0)
            {
                continue;
            }

            if (!blocks.TryGetValue((cell.ReferenceYear, cell.Jurisdiction), out var block))
            {
                block = new CellBlock(layout.CellCount);
                blocks.Add((cell.ReferenceYear, cell.Jurisdiction), block);
            }

            block.Add(position, cell.Value, cell.Variance);
        }

        return new TableCells(layout, blocks);
    }

    /// <summary>The block of a jurisdiction's release of a year, or null when none is current.</summary>
    public CellBlock? Find(int year, string jurisdiction) => _blocks.GetValueOrDefault((year, jurisdiction));

    /// <summary>The jurisdictions with cells of a year, in ordinal order.</summary>
    public IReadOnlyList<string> JurisdictionsOf(int year) => _jurisdictionsByYear.GetValueOrDefault(year) ?? [];
}

/// <summary>The cells of one table in one release: value, variance and whether it was sent, by position.</summary>
public sealed class CellBlock
{
    private readonly long[] _values;
    private readonly double[] _variances;
    private readonly bool[] _present;

    internal CellBlock(int cellCount)
    {
        _values = new long[cellCount];
        _variances = new double[cellCount];
        _present = new bool[cellCount];
    }

    public bool IsPresent(int position) => _present[position];

    public long Value(int position) => _values[position];

    public double Variance(int position) => _variances[position];

    /// <summary>Whether any of <paramref name="positions"/> was sent.</summary>
    public bool AnyPresent(int[] positions)
    {
        foreach (var position in positions)
        {
            if (_present[position])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The sum of the values sent.</summary>
    public long Sum()
    {
        var sum = 0L;
        for (var position = 0; position < _values.Length; position++)
        {
            sum += _values[position];
        }

        return sum;
    }

    internal void Add(int position, long value, double variance)
    {
        _values[position] += value;
        _variances[position] += variance;
        _present[position] = true;
    }
}
