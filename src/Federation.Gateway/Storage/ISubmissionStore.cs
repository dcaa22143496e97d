namespace Federation.Gateway.Storage;

/// <summary>Durable, append-only storage of accepted submissions and their cells.</summary>
public interface ISubmissionStore
{
    /// <summary>Creates the schema if needed.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers a trivial read now (for health checks).</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>Who sent a stored submission and where it stands, or null when no such submission is stored.</summary>
    Task<StoredSubmissionOrigin?> FindOriginAsync(string submissionId, CancellationToken cancellationToken);

    /// <summary>How many stored submissions were signed by the certificate with this SHA-1 thumbprint.</summary>
    Task<int> CountSignedByAsync(string signerThumbprint, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a submission, its cells and its receipt in one transaction. A submission already stored returns its
    /// first receipt. A new submission for the same dataset, jurisdiction and year supersedes the current one for
    /// queries (history is kept); one produced no later than the current release is refused.
    /// <paramref name="createReceipt"/> is given the revision number, the superseded submission id and the
    /// submission's place in the transparency log (leaf, signed checkpoint, inclusion proof), all in the same transaction.
    /// </summary>
    Task<AppendResult> AppendAsync(
        NewSubmission submission,
        Func<int, string?, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken);

    /// <summary>The cells of one table of every current submission of a dataset, optionally for some years only.</summary>
    Task<IReadOnlyList<CurrentCell>> GetCurrentCellsAsync(
        string datasetId,
        string tableId,
        IReadOnlyCollection<int> years,
        CancellationToken cancellationToken);

    /// <summary>The reference years for which any current submission of the dataset exists.</summary>
    Task<IReadOnlyList<int>> GetReportedYearsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>
    /// The cells of one table of the submissions that were current when the log held <paramref name="treeSize"/>
    /// leaves: of those appended by then, the latest revision per jurisdiction and year.
    /// </summary>
    Task<IReadOnlyList<CurrentCell>> GetCellsAsOfAsync(
        string datasetId,
        string tableId,
        IReadOnlyCollection<int> years,
        long treeSize,
        CancellationToken cancellationToken);

    /// <summary>The reference years reported within the first <paramref name="treeSize"/> leaves of the log.</summary>
    Task<IReadOnlyList<int>> GetReportedYearsAsOfAsync(string datasetId, long treeSize, CancellationToken cancellationToken);

    /// <summary>All submissions stored for a dataset, jurisdiction and year, oldest first (history of revisions).</summary>
    Task<IReadOnlyList<SubmissionHistoryEntry>> GetHistoryAsync(
        string datasetId,
        string jurisdiction,
        int referenceYear,
        CancellationToken cancellationToken);
}

/// <summary>One stored release in the history of a dataset, jurisdiction and year.</summary>
public sealed record SubmissionHistoryEntry(
    string SubmissionId,
    int Revision,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string? SupersededBy);

/// <summary>Where a stored submission came from: its signer, when it arrived, and whether a revision superseded it.</summary>
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
