namespace Federation.Sdk.Catalog;

/// <summary>A table (marginal) released per jurisdiction and year: a full grid over its dimensions.</summary>
public sealed class TableDefinition
{
    public TableDefinition(string id, string title, IReadOnlyList<DimensionDefinition> dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count() != dimensions.Count)
        {
            throw new ArgumentException($"Table '{id}' names a dimension twice.", nameof(dimensions));
        }

        Id = id;
        Title = title;
        Dimensions = dimensions;
        CellCount = dimensions.Aggregate(1, (product, d) => checked(product * d.Codes.Count));
    }

    public string Id { get; }

    public string Title { get; }

    /// <summary>The dimensions in the order cell codes are given. Empty for the total.</summary>
    public IReadOnlyList<DimensionDefinition> Dimensions { get; }

    /// <summary>Number of cells in the full grid.</summary>
    public int CellCount { get; }

    /// <summary>Whether every one of <paramref name="dimensionIds"/> is a dimension of this table.</summary>
    public bool Covers(IEnumerable<string> dimensionIds) =>
        dimensionIds.All(id => Dimensions.Any(d => d.Id == id));

    /// <summary>Position of a dimension in this table's cell codes, or -1.</summary>
    public int IndexOf(string dimensionId)
    {
        for (var i = 0; i < Dimensions.Count; i++)
        {
            if (Dimensions[i].Id == dimensionId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Every cell of the grid, as codes in dimension order, in a fixed row-major order
    /// (the last dimension varies fastest, codes in code-list order).
    /// </summary>
    public IEnumerable<IReadOnlyList<string>> EnumerateCells()
    {
        var indices = new int[Dimensions.Count];
        for (var n = 0; n < CellCount; n++)
        {
            var codes = new string[Dimensions.Count];
            for (var d = 0; d < Dimensions.Count; d++)
            {
                codes[d] = Dimensions[d].Codes[indices[d]].Code;
            }

            yield return codes;

            for (var d = Dimensions.Count - 1; d >= 0; d--)
            {
                if (++indices[d] < Dimensions[d].Codes.Count)
                {
                    break;
                }

                indices[d] = 0;
            }
        }
    }

    public override string ToString() => Id;
}
