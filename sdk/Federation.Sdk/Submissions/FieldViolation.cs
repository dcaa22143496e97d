namespace Federation.Sdk.Submissions;

/// <summary>One rule a submission breaks: the field at fault as a path (for example "submission.tables[2].cells[5].codes[1]") and why.</summary>
public sealed record FieldViolation(string Field, string Description);
