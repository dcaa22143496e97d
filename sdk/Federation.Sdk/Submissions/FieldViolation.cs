namespace Federation.Sdk.Submissions;

/// <summary>One field at fault and why (temporary until merge).</summary>
public sealed record FieldViolation(string Field, string Description);
