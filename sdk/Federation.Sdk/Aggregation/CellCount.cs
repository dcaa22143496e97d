namespace Federation.Sdk.Aggregation;

/// <summary>The true (unprotected) count of one cell; codes in the table's dimension order.</summary>
public sealed record CellCount(IReadOnlyList<string> Codes, long Value);
