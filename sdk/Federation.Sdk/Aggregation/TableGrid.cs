using Federation.Sdk.Catalog;

namespace Federation.Sdk.Aggregation;

/// <summary>
/// Places a record's codes in a table's grid: the cell's position in <see cref="TableDefinition.EnumerateCells"/>
/// order (row-major, last dimension fastest).
/// </summary>
internal sealed class TableGrid
{
    private readonly int[] _dimensionPositions;
    private readonly int[] _strides;

    public TableGrid(TableDefinition table, DatasetDefinition dataset)
    {
        Table = table;
        _dimensionPositions = [.. table.Dimensions.Select(d => dataset.Dimensions.ToList().FindIndex(x => x.Id == d.Id))];
        _strides = new int[table.Dimensions.Count];
        var stride = 1;
        for (var d = table.Dimensions.Count - 1; d >= 0; d--)
        {
            _strides[d] = stride;
            stride *= table.Dimensions[d].Codes.Count;
        }
    }

    public TableDefinition Table { get; }

    /// <summary>The cell a record counts in, from its code index in each dimension of the dataset.</summary>
    public int CellIndexOf(IReadOnlyList<int> codeIndexes)
    {
        var index = 0;
        for (var d = 0; d < _strides.Length; d++)
        {
            index += codeIndexes[_dimensionPositions[d]] * _strides[d];
        }

        return index;
    }

    /// <summary>The cell a record counts in, from its code index in each dimension of the dataset.</summary>
    public int CellIndexOf(ReadOnlySpan<int> codeIndexes)
    {
        var index = 0;
        for (var d = 0; d < _strides.Length; d++)
        {
            index += codeIndexes[_dimensionPositions[d]] * _strides[d];
        }

        return index;
    }
}
