using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// Appends a verified release to the log, statistics and directory alike, deciding under the log's single writer
/// (one <see cref="ILogAppendTransaction"/> at a time across every process sharing the database), on the served
/// state caught up to the log's latest leaf: a release already in the log returns its first receipt; a release of a
/// series must be newer than the series' current one (<see cref="ReleaseSeries"/>) and gets the next revision; then
/// the release-specific admission rule runs; then the leaf, its subtrees and checkpoint are appended and committed.
/// </summary>
public sealed class ReleaseAppender(ILogStore store, TransparencyLog log, ServedLog served)
{
    /// <summary>
    /// Appends <paramref name="release"/> unless it is already in the log or older than its series' current release.
    /// <paramref name="admit"/> is the place for rules that depend on what was accepted before (it sees the snapshot the
    /// decision is made on, and refuses by throwing <see cref="RequestRefusedException"/>; nothing is written then).
    /// <paramref name="createReceipt"/> is given the decision and the leaf's place in the log.
    /// </summary>
    public async Task<ReleaseAppendResult> AppendAsync(
        ReleaseToAppend release,
        Action<ServedSnapshot, SeriesDecision>? admit,
        Func<SeriesDecision, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(createReceipt);
        ReleaseAppendResult result;
        await using (var transaction = await store.BeginAppendAsync(cancellationToken))
        {
            var snapshot = await served.CurrentAsync(transaction, cancellationToken);
            if (await transaction.FindReleaseAsync(release.ReleaseId, cancellationToken) is { } stored)
            {
                return new ReleaseAppendResult(AppendOutcome.AlreadyStored, stored.Receipt, release.ReleaseId, snapshot);
            }

            var decision = release.Series is { } series
                ? ReleaseSeries.Decide(snapshot.Current(series), release.ProducedAt)
                : new SeriesDecision(true, 0, null);
            if (!decision.Accepted)
            {
                return new ReleaseAppendResult(AppendOutcome.OlderThanCurrent, null, decision.CurrentReleaseId, snapshot);
            }

            admit?.Invoke(snapshot, decision);
            byte[]? receipt = null;
            await log.AppendAsync(
                transaction,
                release.Kind,
                release.ReleaseId,
                LogLeaf.Encode(release.SignedBytes, release.Signature, LeafKinds.ContentOf(release.Kind)),
                release.SignerSubject,
                release.SignerThumbprint,
                inclusion => receipt = createReceipt(decision, inclusion),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            result = new ReleaseAppendResult(AppendOutcome.Stored, receipt, release.ReleaseId, snapshot);
        }

        // The own append is verified and served the same way as another process's: from the store.
        return result with { Snapshot = await served.CurrentAsync(cancellationToken) };
    }
}

/// <summary>A verified release to append: its signed bytes and signature as received, and the series it belongs to (null: none).</summary>
public sealed record ReleaseToAppend(
    LeafKind Kind,
    string ReleaseId,
    SeriesKey? Series,
    DateTimeOffset ProducedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] SignedBytes,
    byte[] Signature);

/// <summary>What the log did with a release.</summary>
public enum AppendOutcome
{
    /// <summary>Appended as the first release of its series, a revision, or outside any series.</summary>
    Stored,

    /// <summary>The same release was in the log already; nothing was written.</summary>
    AlreadyStored,

    /// <summary>Refused: a release of the series produced at or after this one is current.</summary>
    OlderThanCurrent,
}

/// <summary>
/// The outcome, the receipt (the first one for a duplicate), the release current in the series (for a refusal) and
/// the served state after the append.
/// </summary>
public sealed record ReleaseAppendResult(AppendOutcome Outcome, byte[]? ReceiptBytes, string? CurrentReleaseId, ServedSnapshot Snapshot);
