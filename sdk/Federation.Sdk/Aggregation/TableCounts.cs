using Federation.Sdk.Catalog;

namespace Federation.Sdk.Aggregation;

/// <summary>Every cell of one table's grid, zeros included, in <see cref="TableDefinition.EnumerateCells"/> order.</summary>
public sealed record TableCounts(TableDefinition Table, IReadOnlyList<CellCount> Cells);
