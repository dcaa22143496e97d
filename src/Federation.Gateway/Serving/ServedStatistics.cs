using Federation.Gateway.Storage;

namespace Federation.Gateway.Serving;

/// <summary>
/// The statistics reads queries, reports and administration use, all answered from the verified releases of the log
/// (<see cref="ServedLog"/>); nothing here reads a figure from anywhere else.
/// </summary>
public sealed class ServedStatistics(ServedLog log)
{
    /// <summary>The cells of one table of every current release of a dataset, optionally for some years only.</summary>
    public async Task<IReadOnlyList<CurrentCell>> GetCurrentCellsAsync(string datasetId, string tableId, IReadOnlyCollection<int> years, CancellationToken cancellationToken) =>
        Cells(Current(await log.CurrentAsync(cancellationToken), datasetId, long.MaxValue), tableId, years);

    /// <summary>The number of leaves the served state covers now (catching up first when the store grew).</summary>
    public async Task<long> GetTreeSizeAsync(CancellationToken cancellationToken) =>
        (await log.CurrentAsync(cancellationToken)).TreeSize;

    /// <summary>The reference years for which any current release of the dataset exists.</summary>
    public async Task<IReadOnlyList<int>> GetReportedYearsAsync(string datasetId, CancellationToken cancellationToken) =>
        Years(Current(await log.CurrentAsync(cancellationToken), datasetId, long.MaxValue));

    /// <summary>
    /// The cells of one table of the releases that were current when the log held <paramref name="treeSize"/> leaves:
    /// of those appended by then, the latest revision per jurisdiction and year.
    /// </summary>
    public async Task<IReadOnlyList<CurrentCell>> GetCellsAsOfAsync(string datasetId, string tableId, IReadOnlyCollection<int> years, long treeSize, CancellationToken cancellationToken) =>
        Cells(Current(await log.CurrentAsync(cancellationToken), datasetId, treeSize), tableId, years);

    /// <summary>The reference years reported within the first <paramref name="treeSize"/> leaves of the log.</summary>
    public async Task<IReadOnlyList<int>> GetReportedYearsAsOfAsync(string datasetId, long treeSize, CancellationToken cancellationToken) =>
        Years(Current(await log.CurrentAsync(cancellationToken), datasetId, treeSize));

    /// <summary>All releases of a dataset, jurisdiction and year, oldest first (the history of revisions).</summary>
    public async Task<IReadOnlyList<SubmissionHistoryEntry>> GetHistoryAsync(string datasetId, string jurisdiction, int referenceYear, CancellationToken cancellationToken)
    {
        var snapshot = await log.CurrentAsync(cancellationToken);
        return snapshot.History(SeriesKey.Statistics(datasetId, jurisdiction, referenceYear))
            .Select(r => new SubmissionHistoryEntry(r.ReleaseId, r.Revision, r.ProducedAt, r.ReceivedAt, snapshot.SupersededBy(r)?.ReleaseId))
            .ToArray();
    }

    /// <summary>
    /// The releases accepted for a dataset, jurisdiction and year, oldest first: what a rule that limits releases per
    /// year (such as a privacy budget) counts. Inside an append, use the snapshot the decision is made on instead.
    /// </summary>
    public async Task<IReadOnlyList<StatisticsRelease>> GetAcceptedReleasesAsync(string datasetId, string jurisdiction, int referenceYear, CancellationToken cancellationToken) =>
        AcceptedReleases(await log.CurrentAsync(cancellationToken), datasetId, jurisdiction, referenceYear);

    /// <summary>The accepted releases of a dataset, jurisdiction and year in a snapshot, oldest first.</summary>
    public static IReadOnlyList<StatisticsRelease> AcceptedReleases(ServedSnapshot snapshot, string datasetId, string jurisdiction, int referenceYear) =>
        snapshot.History(SeriesKey.Statistics(datasetId, jurisdiction, referenceYear)).Cast<StatisticsRelease>().ToArray();

    /// <summary>Who sent a release and where it stands, or null when the log holds no such release.</summary>
    public async Task<StoredSubmissionOrigin?> FindOriginAsync(string submissionId, CancellationToken cancellationToken)
    {
        var snapshot = await log.CurrentAsync(cancellationToken);
        return snapshot.ById.TryGetValue(submissionId, out var found) && found is StatisticsRelease release
            ? new StoredSubmissionOrigin(
                release.ReleaseId,
                release.DatasetId,
                release.Jurisdiction,
                release.ReferenceYear,
                release.Revision,
                release.ReceivedAt,
                release.SignerSubject,
                release.SignerThumbprint,
                release.Signature,
                snapshot.SupersededBy(release)?.ReleaseId)
            : null;
    }

    /// <summary>How many releases were signed by the certificate with this SHA-1 thumbprint.</summary>
    public async Task<int> CountSignedByAsync(string signerThumbprint, CancellationToken cancellationToken) =>
        (await log.CurrentAsync(cancellationToken)).ById.Values.Count(r => string.Equals(r.SignerThumbprint, signerThumbprint, StringComparison.OrdinalIgnoreCase));

    // Of each statistics series of the dataset, the release current at a tree size.
    internal static IEnumerable<StatisticsRelease> Current(ServedSnapshot snapshot, string datasetId, long treeSize) =>
        snapshot.SeriesReleases
            .Where(s => s.Key.Kind == LeafKind.StatisticsRelease && s.Key.DatasetId == datasetId)
            .Select(s => snapshot.CurrentAsOf(s.Key, treeSize))
            .OfType<StatisticsRelease>()
            .OrderBy(r => r.ReferenceYear)
            .ThenBy(r => r.Jurisdiction, StringComparer.Ordinal);

    private static CurrentCell[] Cells(IEnumerable<StatisticsRelease> releases, string tableId, IReadOnlyCollection<int> years)
    {
        var wanted = years.Count == 0 ? null : years.ToHashSet();
        return releases
            .Where(r => wanted is null || wanted.Contains(r.ReferenceYear))
            .SelectMany(r => r.Cells.Where(c => c.TableId == tableId).Select(c => new CurrentCell(r.Jurisdiction, r.ReferenceYear, c.Codes, c.Value, c.Variance)))
            .ToArray();
    }

    private static int[] Years(IEnumerable<StatisticsRelease> releases) => releases.Select(r => r.ReferenceYear).Distinct().Order().ToArray();
}
