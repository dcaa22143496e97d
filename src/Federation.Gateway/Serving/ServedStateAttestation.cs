using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Serving;

/// <summary>
/// What the gateway serves at a checkpointed tree size, signed by the log key with the checkpoint: per dataset,
/// reference year and jurisdiction, the current statistics release of the served state (<see cref="ServedLog"/>) and
/// the digest of the cells it serves from it (<see cref="ServedStateDigest"/>). Auditors recompute it from the entries.
/// </summary>
public sealed class ServedStateAttestation(ServedLog served, TransparencyLog log, LogSigningKey key)
{
    public async Task<ServedStateAnswer> GetAsync(long treeSize, CancellationToken cancellationToken)
    {
        var stored = await log.CheckpointAsync(treeSize, "tree_size", cancellationToken);
        // The snapshot is read after the checkpoint, so it covers at least the checkpoint's leaves.
        var snapshot = await served.CurrentAsync(cancellationToken);
        var series = snapshot.SeriesReleases.Keys
            .Where(s => s.Kind == LeafKind.StatisticsRelease)
            .Select(s => snapshot.CurrentAsOf(s, stored.TreeSize))
            .OfType<StatisticsRelease>()
            .Select(r => new ServedSeriesDigest(
                r.DatasetId,
                r.ReferenceYear,
                r.Jurisdiction,
                r.LeafIndex,
                r.ReleaseId,
                ServedStateDigest.OfCells(r.Cells.Select(c => new ServedCell(c.TableId, c.Codes, c.Value)))))
            .OrderBy(s => s.DatasetId, StringComparer.Ordinal)
            .ThenBy(s => s.ReferenceYear)
            .ThenBy(s => s.Jurisdiction, StringComparer.Ordinal)
            .ToArray();
        var checkpoint = key.VerifierKey.TryOpenCheckpoint(stored.SignedNote, out var error)
            ?? throw new LogIntegrityException($"The stored checkpoint at tree size {stored.TreeSize} does not open with the log key: {error}.");
        return new ServedStateAnswer(stored, key.SignServedState(checkpoint, ServedStateDigest.OfSeries(series)), series);
    }
}

/// <summary>The checkpoint of a tree size, the signed served state note and the series it digests.</summary>
public sealed record ServedStateAnswer(StoredCheckpoint Checkpoint, string ServedStateNote, IReadOnlyList<ServedSeriesDigest> Series);
