namespace Federation.Sdk.Validation;

/// <summary>A source row kept out of the statistics, where it was and why, so the province can correct it.</summary>
public sealed record QuarantinedRecord(string Location, string? CaseId, string Reason);
