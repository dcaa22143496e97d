namespace Federation.Sdk.Protection;

/// <summary>What identifies one released cell: dataset, jurisdiction, reference year, table and the cell's codes.</summary>
public sealed record CellContext(string DatasetId, string Jurisdiction, int ReferenceYear, string TableId, IReadOnlyList<string> Codes);
