using Federation.Sdk.Catalog;

namespace Federation.Sdk.Aggregation;

/// <summary>
/// Places a record's codes in a table's grid: the cell's position in <see cref="TableDefinition.EnumerateCells"/>
/// order (row-major, last dimension fastest).
/// </summary>
internal sealed class TableGrid
{
    private readonly Dictionary<string, int>[] _codeIndexes;
    private readonly int[] _strides;

    public TableGrid(TableDefinition table)
    {
        Table = table;
        _codeIndexes = table.Dimensions
            .Select(d => d.Codes.Select((code, index) => (code.Code, index)).ToDictionary(c => c.Code, c => c.index, StringComparer.Ordinal))
            .ToArray();
        _strides = new int[table.Dimensions.Count];
        var stride = 1;
        for (var d = table.Dimensions.Count - 1; d >= 0; d--)
        {
            _strides[d] = stride;
            stride *= table.Dimensions[d].Codes.Count;
        }
    }

    public TableDefinition Table { get; }

    /// <summary>The cell a record with these codes (dimension id to code) counts in.</summary>
    public int CellIndexOf(IReadOnlyDictionary<string, string> codes)
    {
        var index = 0;
        for (var d = 0; d < _strides.Length; d++)
        {
            var dimension = Table.Dimensions[d];
            if (!codes.TryGetValue(dimension.Id, out var code))
            {
                throw new ArgumentException($"The record has no code for dimension '{dimension.Id}' of table '{Table.Id}'.", nameof(codes));
            }

            if (!_codeIndexes[d].TryGetValue(code, out var codeIndex))
            {
                throw new ArgumentException($"'{code}' is not a code of dimension '{dimension.Id}'.", nameof(codes));
            }

            index += codeIndex * _strides[d];
        }

        return index;
    }
}
