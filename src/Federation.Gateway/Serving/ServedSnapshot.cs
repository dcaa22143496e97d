using System.Collections.Immutable;
using Federation.Sdk.Transparency;

namespace Federation.Gateway.Serving;

/// <summary>
/// The releases of the first <see cref="TreeSize"/> leaves of the log, verified and parsed; immutable, so readers use
/// one snapshot while the next is built. Every answer the gateway gives about releases is computed from one.
/// </summary>
public sealed class ServedSnapshot
{
    private ServedSnapshot(
        long treeSize,
        ImmutableDictionary<MerkleSubtree, byte[]> frontier,
        ImmutableDictionary<SeriesKey, ImmutableList<ServedRelease>> series,
        ImmutableDictionary<string, ServedRelease> byId,
        ImmutableList<ServedRelease> unseries,
        ImmutableList<ServedRelease> inLogOrder)
    {
        InLogOrder = inLogOrder;
        TreeSize = treeSize;
        Frontier = frontier;
        SeriesReleases = series;
        ById = byId;
        OutsideSeries = unseries;
    }

    public static ServedSnapshot Empty { get; } = new(
        0,
        ImmutableDictionary<MerkleSubtree, byte[]>.Empty,
        ImmutableDictionary<SeriesKey, ImmutableList<ServedRelease>>.Empty,
        ImmutableDictionary<string, ServedRelease>.Empty.WithComparers(StringComparer.Ordinal),
        [],
        []);

    /// <summary>The number of leaves this snapshot covers.</summary>
    public long TreeSize { get; }

    /// <summary>Every release of each series, oldest first (the last is current).</summary>
    public ImmutableDictionary<SeriesKey, ImmutableList<ServedRelease>> SeriesReleases { get; }

    /// <summary>Releases that belong to no series (directory capacity updates), in log order.</summary>
    public ImmutableList<ServedRelease> OutsideSeries { get; }

    /// <summary>Every release, leaf 0 first.</summary>
    public ImmutableList<ServedRelease> InLogOrder { get; }

    /// <summary>Every release by its id.</summary>
    public ImmutableDictionary<string, ServedRelease> ById { get; }

    // The complete subtrees whose hashes make up the root of this tree (verified): the next leaves are checked from them.
    internal ImmutableDictionary<MerkleSubtree, byte[]> Frontier { get; }

    /// <summary>The current release of a series, or null.</summary>
    public ServedRelease? Current(SeriesKey series) =>
        SeriesReleases.TryGetValue(series, out var releases) ? releases[^1] : null;

    /// <summary>Every release of a series, oldest first (empty when none).</summary>
    public IReadOnlyList<ServedRelease> History(SeriesKey series) =>
        SeriesReleases.TryGetValue(series, out var releases) ? releases : [];

    /// <summary>The release of a series current when the log held <paramref name="treeSize"/> leaves, or null.</summary>
    public ServedRelease? CurrentAsOf(SeriesKey series, long treeSize) =>
        SeriesReleases.TryGetValue(series, out var releases) ? releases.LastOrDefault(r => r.LeafIndex < treeSize) : null;

    /// <summary>The release that superseded this one, or null while it is current.</summary>
    public ServedRelease? SupersededBy(ServedRelease release)
    {
        var history = History(release.Series);
        var position = history.Count == 0 ? -1 : ((ImmutableList<ServedRelease>)history).IndexOf(release);
        return position >= 0 && position + 1 < history.Count ? history[position + 1] : null;
    }

    /// <summary>This snapshot with one more leaf's release and the tree's new frontier; a release with a revision joins its series.</summary>
    internal ServedSnapshot With(ServedRelease release, ImmutableDictionary<MerkleSubtree, byte[]> frontier)
    {
        if (release.Revision == 0)
        {
            return new ServedSnapshot(TreeSize + 1, frontier, SeriesReleases, ById.Add(release.ReleaseId, release), OutsideSeries.Add(release), InLogOrder.Add(release));
        }

        var history = SeriesReleases.TryGetValue(release.Series, out var releases) ? releases.Add(release) : [release];
        return new ServedSnapshot(TreeSize + 1, frontier, SeriesReleases.SetItem(release.Series, history), ById.Add(release.ReleaseId, release), OutsideSeries, InLogOrder.Add(release));
    }
}
