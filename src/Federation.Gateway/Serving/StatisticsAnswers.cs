namespace Federation.Gateway.Serving;

/// <summary>
/// One protected cell of a statistics release; codes in the table's dimension order. <see cref="Variance"/> is the
/// variance of its protection error, from the catalogue's policy for the table.
/// </summary>
public sealed record StoredCell(string TableId, IReadOnlyList<string> Codes, long Value, double Variance);

/// <summary>One cell of a current (not superseded) release, as a query reads it, with its protection error variance.</summary>
public sealed record CurrentCell(string Jurisdiction, int ReferenceYear, IReadOnlyList<string> Codes, long Value, double Variance);

/// <summary>One release in the history of a dataset, jurisdiction and year.</summary>
public sealed record SubmissionHistoryEntry(
    string SubmissionId,
    int Revision,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string? SupersededBy);

/// <summary>Where a release came from: its signer, when it arrived, and whether a revision superseded it.</summary>
public sealed record StoredSubmissionOrigin(
    string SubmissionId,
    string DatasetId,
    string Jurisdiction,
    int ReferenceYear,
    int Revision,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] Signature,
    string? SupersededBy);
