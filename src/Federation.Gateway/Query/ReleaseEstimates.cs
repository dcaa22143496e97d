using Federation.Gateway.Serving;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Gateway.Query;

/// <summary>
/// The generalised least-squares fits of a noisy dataset's releases at one tree size: per reference year and
/// jurisdiction, the estimator of the tables the release measured (<see cref="MarginalEstimator"/>, one per table set
/// and variances) and the release's fit. Any marginal the measured tables determine is then estimated from all of them
/// at once. A release is immutable, so its fit is computed once, when the figures of a tree size are first laid out.
/// Post-processing of released values only.
/// </summary>
public sealed class ReleaseEstimates
{
    private readonly Dictionary<(int Year, string Jurisdiction), ReleaseFit> _fits;
    private readonly Dictionary<int, string[]> _jurisdictionsByYear;

    private ReleaseEstimates(Dictionary<(int Year, string Jurisdiction), ReleaseFit> fits)
    {
        _fits = fits;
        _jurisdictionsByYear = fits.Keys.GroupBy(k => k.Year)
            .ToDictionary(g => g.Key, g => g.Select(k => k.Jurisdiction).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>The fits of <paramref name="releases"/> of <paramref name="dataset"/> (<see cref="ReleaseFit.Of"/>).</summary>
    public static ReleaseEstimates Of(DatasetDefinition dataset, IEnumerable<StatisticsRelease> releases)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(releases);
        var fits = new Dictionary<(int Year, string Jurisdiction), ReleaseFit>();
        foreach (var release in releases)
        {
            if (ReleaseFit.Of(dataset, release.Cells.Select(c => (c.TableId, c.Codes, c.Value))) is { } fit)
            {
                fits[(release.ReferenceYear, release.Jurisdiction)] = fit;
            }
        }

        return new ReleaseEstimates(fits);
    }

    /// <summary>The fit of a jurisdiction's current release of a year, or null when none is current (or it measured no table whole).</summary>
    public ReleaseFit? Find(int year, string jurisdiction) => _fits.GetValueOrDefault((year, jurisdiction));

    /// <summary>The jurisdictions with a fit of a year, in ordinal order.</summary>
    public IReadOnlyList<string> JurisdictionsOf(int year) => _jurisdictionsByYear.GetValueOrDefault(year) ?? [];
}

/// <summary>
/// The cells of one query (its groups, each restricted by the query's filters) as each estimator estimates them, found
/// once per estimator: the jurisdictions of an answer mostly share one. Used by one answer at a time.
/// </summary>
internal sealed class QueryCells(IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> groups)
{
    private readonly Dictionary<MarginalEstimator, EstimableCell[]?> _byEstimator = [];

    /// <summary>The cells of a grouping: per group, each grouped dimension's code, and the filtered dimensions' kept codes.</summary>
    public static QueryCells Of(IReadOnlyList<string> groupBy, IEnumerable<string[]> groupCodes, IReadOnlyDictionary<string, HashSet<string>> filters) =>
        new(groupCodes.Select(codes =>
        {
            var cell = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
            foreach (var (dimension, kept) in filters)
            {
                cell[dimension] = kept;
            }

            for (var k = 0; k < groupBy.Count; k++)
            {
                cell[groupBy[k]] = [codes[k]];
            }

            return (IReadOnlyDictionary<string, IReadOnlyCollection<string>>)cell;
        }).ToArray());

    /// <summary>Every group's estimable cell under <paramref name="estimator"/>, or null when it cannot estimate them.</summary>
    public EstimableCell[]? Under(MarginalEstimator estimator)
    {
        if (!_byEstimator.TryGetValue(estimator, out var cells))
        {
            var found = groups.Select(g => estimator.Cell(g, out _)).ToArray();
            cells = found.All(c => c is not null) ? found.Select(c => c!).ToArray() : null;
            _byEstimator[estimator] = cells;
        }

        return cells;
    }
}
