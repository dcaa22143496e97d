namespace Federation.Sdk.Aggregation;

/// <summary>The true counts of every table of a dataset for one reference year, in catalogue table order.</summary>
public sealed record YearCounts(int ReferenceYear, IReadOnlyList<TableCounts> Tables);
