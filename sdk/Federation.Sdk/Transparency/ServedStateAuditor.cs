using System.Globalization;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Sdk.Transparency;

/// <summary>
/// Checks what a gateway serves against the log's entries, for an auditor or a node: every entry's CMS signature and
/// certificate chain to the federation root (as of when it was appended), its release re-parsed; the current release
/// of each dataset, reference year and jurisdiction derived here from the entries alone (the latest produced of its
/// releases) and compared with the gateway's signed served state (<c>GetServedState</c>); with a query client, the
/// gateway's answers (totals per jurisdiction and nationally, and the cells of a release whose digest differs) compared
/// with the sums of the recomputed cells. Every difference names the release (submission id, leaf), table and cell.
/// </summary>
public sealed class ServedStateAuditor
{
    private const int ProgressEvery = 1000;

    private readonly TransparencyLogService.TransparencyLogServiceClient _log;
    private readonly QueryService.QueryServiceClient? _query;
    private readonly LogVerifierKey _key;
    private readonly SubmissionVerifier _verifier;
    private readonly DatasetCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _deadline;

    /// <summary>
    /// An auditor of one gateway: <paramref name="query"/> is its query service with a token of scope federation.query,
    /// or null to skip comparing answers; <paramref name="verifier"/> trusts the federation root.
    /// </summary>
    public ServedStateAuditor(
        TransparencyLogService.TransparencyLogServiceClient log,
        QueryService.QueryServiceClient? query,
        LogVerifierKey key,
        SubmissionVerifier verifier,
        DatasetCatalog catalog,
        TimeProvider timeProvider,
        TimeSpan? deadline = null)
    {
        _log = log;
        _query = query;
        _key = key;
        _verifier = verifier;
        _catalog = catalog;
        _timeProvider = timeProvider;
        _deadline = deadline ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Audits the first <paramref name="checkpoint"/>.TreeSize entries (all of them, in order) and what is served at that size.</summary>
    public async Task AuditAsync(Checkpoint checkpoint, IReadOnlyList<LogEntry> entries, LogAuditReport report, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(report);
        var releases = ReadEntries(entries, report, progress);
        var current = CurrentReleases(releases, report);
        var served = await ReadServedStateAsync(checkpoint, report, cancellationToken);
        var differing = served is null ? [] : Compare(current, served, report);
        if (_query is null)
        {
            report.Info("Query answers not compared: these credentials cannot query (scope federation.query).");
            return;
        }

        try
        {
            await CompareTotalsAsync(checkpoint.TreeSize, current, report, cancellationToken);
            foreach (var release in differing)
            {
                await LocateCellsAsync(checkpoint.TreeSize, release, report, cancellationToken);
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            report.Info($"Query answers not compared: the gateway refused the query ({e.Status.Detail}).");
        }
    }

    // Every entry: envelope, id, signature and chain as of its appending, canonical release, same jurisdiction as the signer.
    private List<AuditedRelease> ReadEntries(IReadOnlyList<LogEntry> entries, LogAuditReport report, IProgress<string>? progress)
    {
        var releases = new List<AuditedRelease>();
        var problems = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0 && i % ProgressEvery == 0)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"signatures checked: {i} of {entries.Count} entries"));
            }

            var entry = entries[i];
            var problem = ReadEntry(entry, out var release);
            if (problem is not null)
            {
                problems++;
                report.Problem(string.Create(CultureInfo.InvariantCulture, $"BAD ENTRY at leaf {entry.LeafIndex} (release {entry.SubmissionId}): {problem}"));
            }

            if (release is not null)
            {
                releases.Add(release);
            }
        }

        if (problems == 0)
        {
            report.Info(string.Create(CultureInfo.InvariantCulture, $"All {entries.Count} entries are releases signed by a node certificate of their jurisdiction, chaining to the federation root when appended."));
        }

        return releases;
    }

    private string? ReadEntry(LogEntry entry, out AuditedRelease? release)
    {
        release = null;
        SignedEnvelope envelope;
        try
        {
            envelope = SignedEnvelope.Parser.ParseFrom(entry.Entry);
        }
        catch (InvalidProtocolBufferException e)
        {
            return $"the entry is not a signed envelope ({e.Message}).";
        }

        var bytes = envelope.Submission.ToByteArray();
        var id = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (id != entry.SubmissionId)
        {
            return $"its signed bytes are release {id}, not the id the gateway lists.";
        }

        var at = entry.AppendedAt?.ToDateTimeOffset() ?? _timeProvider.GetUtcNow();
        var verification = _verifier.Verify(bytes, envelope.Signature.Span, at);
        string? jurisdiction;
        string? problem;
        if (envelope.Content == SignedContent.DirectoryRelease)
        {
            jurisdiction = CanonicalMessage.TryParse<DirectoryRelease>(bytes, out problem)?.Jurisdiction;
        }
        else
        {
            var submission = CanonicalMessage.TryParse<Submission>(bytes, out problem);
            jurisdiction = submission?.Jurisdiction;
            if (submission is not null)
            {
                // Recomputed from the release even when its signature fails: what the gateway serves is compared with the bytes.
                release = new AuditedRelease(
                    (long)entry.LeafIndex,
                    id,
                    submission.DatasetId,
                    submission.ReferenceYear,
                    submission.Jurisdiction,
                    submission.ProducedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue,
                    submission.Tables.SelectMany(t => t.Cells.Select(c => new ServedCell(t.TableId, c.Codes.ToArray(), c.Value))).ToArray());
            }
        }

        if (!verification.IsValid)
        {
            return $"its CMS signature does not verify: {verification.Message}";
        }

        if (problem is not null)
        {
            return problem;
        }

        return jurisdiction == verification.Jurisdiction
            ? null
            : $"it is for jurisdiction '{jurisdiction}' but signed by a node certificate of '{verification.Jurisdiction}'.";
    }

    // The auditor's own rule: of a dataset, year and jurisdiction's releases, the one produced last is current. A release
    // appended after one produced later (or at the same time) is reported: the gateway must never accept it.
    private static Dictionary<SeriesOf, AuditedRelease> CurrentReleases(List<AuditedRelease> releases, LogAuditReport report)
    {
        var current = new Dictionary<SeriesOf, AuditedRelease>();
        foreach (var release in releases)
        {
            if (current.TryGetValue(release.Series, out var before) && release.ProducedAt <= before.ProducedAt)
            {
                report.Problem(string.Create(
                    CultureInfo.InvariantCulture,
                    $"OUT OF ORDER at leaf {release.LeafIndex}: release {release.SubmissionId} of {release.Series} was produced at {release.ProducedAt:u}, not after release {before.SubmissionId} (leaf {before.LeafIndex}, produced {before.ProducedAt:u}); a gateway never accepts that."));
                continue;
            }

            current[release.Series] = release;
        }

        return current;
    }

    private async Task<GetServedStateResponse?> ReadServedStateAsync(Checkpoint checkpoint, LogAuditReport report, CancellationToken cancellationToken)
    {
        var served = await _log.GetServedStateAsync(
            new GetServedStateRequest { TreeSize = (ulong)checkpoint.TreeSize },
            deadline: Deadline(),
            cancellationToken: cancellationToken);
        var opened = ServedStateDigest.TryOpen(_key, served.ServedStateNote, out var error);
        if (opened is null)
        {
            report.Problem($"The gateway's served state at tree size {checkpoint.TreeSize} is not trustworthy: {error}.");
            return null;
        }

        var (signed, digest) = opened.Value;
        if (signed.TreeSize != checkpoint.TreeSize || !signed.RootHash.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            report.Problem($"The gateway's served state is signed for {signed}, not for the verified checkpoint {checkpoint}.");
            return null;
        }

        var listed = served.Series.Select(s => new ServedSeriesDigest(s.DatasetId, s.ReferenceYear, s.Jurisdiction, (long)s.LeafIndex, s.SubmissionId, s.CellsDigest.ToByteArray()));
        if (!ServedStateDigest.OfSeries(listed).AsSpan().SequenceEqual(digest))
        {
            report.Problem($"The gateway's served state at tree size {checkpoint.TreeSize} lists other releases than its signed digest covers.");
            return null;
        }

        return served;
    }

    // Returns the releases whose served cells differ from their own, to locate the cells through queries.
    private static List<AuditedRelease> Compare(Dictionary<SeriesOf, AuditedRelease> current, GetServedStateResponse served, LogAuditReport report)
    {
        var differing = new List<AuditedRelease>();
        var problems = 0;
        var gateway = served.Series.ToDictionary(s => new SeriesOf(s.DatasetId, s.ReferenceYear, s.Jurisdiction));
        foreach (var (series, release) in current.OrderBy(c => c.Key.ToString(), StringComparer.Ordinal))
        {
            if (!gateway.Remove(series, out var entry))
            {
                problems++;
                report.Problem($"NOT SERVED: {series}: the log makes release {release.SubmissionId} (leaf {release.LeafIndex}) current, but the gateway serves nothing for it.");
            }
            else if (entry.SubmissionId != release.SubmissionId || entry.LeafIndex != (ulong)release.LeafIndex)
            {
                problems++;
                report.Problem($"WRONG RELEASE SERVED: {series}: the log makes release {release.SubmissionId} (leaf {release.LeafIndex}) current, but the gateway serves release {entry.SubmissionId} (leaf {entry.LeafIndex}).");
            }
            else if (!entry.CellsDigest.Span.SequenceEqual(ServedStateDigest.OfCells(release.Cells)))
            {
                problems++;
                differing.Add(release);
                report.Problem($"ALTERED CELLS SERVED: {series}: release {release.SubmissionId} (leaf {release.LeafIndex}): the digest of the cells the gateway serves from it is not the digest of the release's cells.");
            }
        }

        foreach (var entry in gateway.Values)
        {
            problems++;
            report.Problem($"SERVED WITHOUT A RELEASE: {entry.DatasetId} {entry.ReferenceYear} {entry.Jurisdiction}: the gateway serves release {entry.SubmissionId} (leaf {entry.LeafIndex}), which the log's entries do not make current.");
        }

        if (problems == 0)
        {
            report.Info($"The gateway's signed served state equals the current releases recomputed from the entries ({current.Count} dataset, year and jurisdiction series).");
        }

        return differing;
    }

    // What the gateway answers from a release for a cell (dimension id to code): for noise, the least-squares estimate
    // from every table of the release (ReleaseFit), unrounded; for random rounding, the answering table's cells summed.
    private double? Answer(AuditedRelease release, string tableId, IReadOnlyDictionary<string, string> codes)
    {
        var dataset = _catalog.Find(release.DatasetId);
        if (dataset is not null && dataset.Protection.IsNoise)
        {
            return ReleaseFit.Of(dataset, release.Cells.Select(c => (c.TableId, c.Codes, c.Value)))?.Estimate(codes);
        }

        var table = dataset?.FindTable(tableId);
        return release.Cells
            .Where(c => c.TableId == tableId && (table is null || codes.All(p => table.IndexOf(p.Key) is var k && k >= 0 && c.Codes[k] == p.Value)))
            .Sum(c => c.Value);
    }

    private static long? Rounded(double? value) => value is { } v ? (long)Math.Round(v, MidpointRounding.AwayFromZero) : null;

    // Each dataset's totals, per jurisdiction and nationally, as the gateway answers them, against the recomputed releases.
    private async Task CompareTotalsAsync(long treeSize, Dictionary<SeriesOf, AuditedRelease> current, LogAuditReport report, CancellationToken cancellationToken)
    {
        var problems = 0;
        var rows = 0;
        foreach (var dataset in current.Keys.Select(s => s.DatasetId).Distinct().Order(StringComparer.Ordinal))
        {
            var releases = current.Values.Where(r => r.Series.DatasetId == dataset).ToArray();
            var byJurisdiction = await QueryAsync(new QueryRequest { DatasetId = dataset, ByJurisdiction = true, AsOfTreeSize = (ulong)treeSize }, cancellationToken);
            foreach (var row in byJurisdiction.Rows)
            {
                rows++;
                var release = releases.FirstOrDefault(r => r.Series.ReferenceYear == row.ReferenceYear && r.Series.Jurisdiction == row.Jurisdiction);
                var expected = release is null ? null : Rounded(Answer(release, byJurisdiction.TableId, new Dictionary<string, string>()));
                var answered = row.ContributingJurisdictions.Count > 0 ? row.Value : (long?)null;
                if (answered != expected)
                {
                    problems++;
                    report.Problem(string.Create(
                        CultureInfo.InvariantCulture,
                        $"QUERY ANSWER DIFFERS: {dataset} {row.ReferenceYear} {row.Jurisdiction}, table {byJurisdiction.TableId} {CellText([])}: the gateway answers {Text(answered)}, {(release is null ? "the log holds no release" : $"release {release.SubmissionId} (leaf {release.LeafIndex}) holds {expected}")}."));
                }
            }

            foreach (var release in releases.Where(r => !byJurisdiction.Rows.Any(row => row.ReferenceYear == r.Series.ReferenceYear && row.Jurisdiction == r.Series.Jurisdiction)))
            {
                problems++;
                report.Problem($"QUERY ANSWER MISSING: {release.Series}: the gateway answers nothing, release {release.SubmissionId} (leaf {release.LeafIndex}) is current.");
            }

            var national = await QueryAsync(new QueryRequest { DatasetId = dataset, AsOfTreeSize = (ulong)treeSize }, cancellationToken);
            foreach (var year in releases.Select(r => r.Series.ReferenceYear).Distinct().Where(y => !national.Rows.Any(row => row.ReferenceYear == y)))
            {
                problems++;
                report.Problem(string.Create(CultureInfo.InvariantCulture, $"QUERY ANSWER MISSING: {dataset} {year} national: the gateway answers nothing, the log holds current releases for that year."));
            }

            foreach (var row in national.Rows)
            {
                rows++;
                var ofYear = releases.Where(r => r.Series.ReferenceYear == row.ReferenceYear).ToArray();
                var expected = Rounded(ofYear.Sum(r => Answer(r, national.TableId, new Dictionary<string, string>()) ?? 0));
                if (row.Value != expected)
                {
                    problems++;
                    report.Problem(string.Create(
                        CultureInfo.InvariantCulture,
                        $"QUERY ANSWER DIFFERS: {dataset} {row.ReferenceYear} national, table {national.TableId}: the gateway answers {row.Value}, the sum of the {ofYear.Length} current releases' cells is {expected} ({string.Join(", ", ofYear.Select(r => $"{r.Series.Jurisdiction} {r.SubmissionId[..12]} leaf {r.LeafIndex}"))})."));
                }
            }
        }

        if (problems == 0)
        {
            report.Info(string.Create(CultureInfo.InvariantCulture, $"{rows} query answers (totals per jurisdiction and national, per year) equal those recomputed from the current releases."));
        }
    }

    // A release whose served digest differs: each of its tables asked cell by cell, to name the cells served otherwise.
    private async Task LocateCellsAsync(long treeSize, AuditedRelease release, LogAuditReport report, CancellationToken cancellationToken)
    {
        var dataset = _catalog.Find(release.Series.DatasetId);
        var located = 0;
        foreach (var table in dataset?.Tables ?? [])
        {
            var request = new QueryRequest
            {
                DatasetId = dataset!.Id,
                Years = { release.Series.ReferenceYear },
                Jurisdictions = { release.Series.Jurisdiction },
                ByJurisdiction = true,
                AsOfTreeSize = (ulong)treeSize,
            };
            request.GroupBy.AddRange(table.Dimensions.Select(d => d.Id));
            var answer = await QueryAsync(request, cancellationToken);
            if (answer.TableId != table.Id)
            {
                continue;
            }

            foreach (var row in answer.Rows)
            {
                var expected = Rounded(Answer(release, table.Id, table.Dimensions.Select(d => d.Id).Zip(row.Codes).ToDictionary(p => p.First, p => p.Second)));
                if (expected != row.Value)
                {
                    located++;
                    report.Problem(string.Create(
                        CultureInfo.InvariantCulture,
                        $"ALTERED CELL SERVED: release {release.SubmissionId} (leaf {release.LeafIndex}) of {release.Series}, table {table.Id} {CellText([.. table.Dimensions.Select(d => d.Id).Zip(row.Codes, (d, c) => $"{d}={c}")])}: the gateway answers {row.Value}, the release holds {Text(expected)}."));
                }
            }
        }

        if (located == 0)
        {
            report.Problem($"The cells of release {release.SubmissionId} (leaf {release.LeafIndex}) that the gateway serves otherwise could not be located through queries: its answers equal the release, its signed digest does not.");
        }
    }

    private async Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) =>
        await _query!.QueryAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);

    private static string CellText(IReadOnlyList<string> codes) =>
        codes.Count == 0 ? "total cell" : $"cell ({string.Join(", ", codes)})";

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "nothing";

    private DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime.Add(_deadline);

    private readonly record struct SeriesOf(string DatasetId, int ReferenceYear, string Jurisdiction)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DatasetId} {ReferenceYear} {Jurisdiction}");
    }

    private sealed record AuditedRelease(long LeafIndex, string SubmissionId, string DatasetId, int ReferenceYear, string Jurisdiction, DateTimeOffset ProducedAt, IReadOnlyList<ServedCell> Cells)
    {
        public SeriesOf Series => new(DatasetId, ReferenceYear, Jurisdiction);
    }
}
