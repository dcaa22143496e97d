using Federation.Gateway.Storage;

namespace Federation.Gateway.Serving;

/// <summary>
/// One release of the log as the gateway serves it: parsed from the leaf bytes, with its place in its series
/// (<see cref="Revision"/>, counted by <see cref="ReleaseSeries"/>).
/// </summary>
public abstract record ServedRelease(
    long LeafIndex,
    string ReleaseId,
    SeriesKey Series,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] Signature)
{
    /// <summary>1 for the first release of its series, then 2, 3 ...; 0 for releases outside any series (capacity updates).</summary>
    public int Revision { get; init; }
}

/// <summary>A statistics release: one jurisdiction's protected tables of a dataset for a reference year.</summary>
public sealed record StatisticsRelease(
    long LeafIndex,
    string ReleaseId,
    SeriesKey Series,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] Signature,
    string DatasetId,
    string Jurisdiction,
    int ReferenceYear,
    IReadOnlyList<StoredCell> Cells)
    : ServedRelease(LeafIndex, ReleaseId, Series, ProducedAt, ReceivedAt, SignerSubject, SignerThumbprint, Signature);

/// <summary>
/// The releases that replace each other: a statistics series is a dataset, jurisdiction and reference year; a
/// directory series is one jurisdiction's snapshots.
/// </summary>
public readonly record struct SeriesKey(LeafKind Kind, string Jurisdiction, string DatasetId, int ReferenceYear)
{
    public static SeriesKey Statistics(string datasetId, string jurisdiction, int referenceYear) => new(LeafKind.StatisticsRelease, jurisdiction, datasetId, referenceYear);

    public static SeriesKey DirectorySnapshots(string jurisdiction) => new(LeafKind.DirectoryRelease, jurisdiction, string.Empty, 0);
}

/// <summary>A service directory release of a jurisdiction: a full snapshot (in its series) or a capacity update (outside any).</summary>
public sealed record DirectoryLogRelease(
    long LeafIndex,
    string ReleaseId,
    SeriesKey Series,
    DateTimeOffset ProducedAt,
    DateTimeOffset ReceivedAt,
    string SignerSubject,
    string SignerThumbprint,
    byte[] Signature,
    string Jurisdiction,
    Federation.Contracts.V1.DirectoryRelease Release,
    byte[] ReleaseBytes)
    : ServedRelease(LeafIndex, ReleaseId, Series, ProducedAt, ReceivedAt, SignerSubject, SignerThumbprint, Signature);
