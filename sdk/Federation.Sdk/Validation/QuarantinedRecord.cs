namespace Federation.Sdk.Validation;

/// <summary>A source row kept out of the statistics, where it was and why, so the province can correct it.</summary>
public sealed record QuarantinedRecord(string Location, string? CaseId, string Reason)
{
    /// <summary>The name of the source it was read from (the node's configured name), when known.</summary>
    public string? Source { get; init; }
}
