namespace Federation.Gateway.Storage;

/// <summary>A verified submission as it is appended to the store: the envelope exactly as received plus what was derived from it.</summary>
public sealed record NewSubmission(
    string SubmissionId,
    string DatasetId,
    string Jurisdiction,
    int ReferenceYear,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] SubmissionBytes,
    byte[] Signature,
    IReadOnlyList<StoredCell> Cells);

/// <summary>
/// One protected cell of a stored submission; codes in the table's dimension order. <see cref="Variance"/> is the
/// variance of its protection error, from the policy the submission declared.
/// </summary>
public sealed record StoredCell(string TableId, IReadOnlyList<string> Codes, long Value, double Variance);

/// <summary>One cell of a current (not superseded) submission, as a query reads it, with its protection error variance.</summary>
public sealed record CurrentCell(string Jurisdiction, int ReferenceYear, IReadOnlyList<string> Codes, long Value, double Variance);

/// <summary>What the store did with a submission.</summary>
public enum AppendOutcome
{
    /// <summary>Stored as the first release or a revision.</summary>
    Stored,

    /// <summary>The same submission was stored before; nothing was written.</summary>
    AlreadyStored,

    /// <summary>Refused: a newer release for the same dataset, jurisdiction and year is already current.</summary>
    OlderThanCurrent,
}

/// <summary>The outcome of an append and the receipt that goes with it (the stored one for a duplicate).</summary>
public sealed record AppendResult(AppendOutcome Outcome, byte[]? ReceiptBytes, string? CurrentSubmissionId);
