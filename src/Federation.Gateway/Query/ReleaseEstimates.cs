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

    /// <summary>
    /// The fits of <paramref name="releases"/> of <paramref name="dataset"/>. A table of a release is measured when the
    /// release sends every one of its cells (a table it sends in part, or not at all, is left out of its fit); its
    /// noise variance is the one its cells state.
    /// </summary>
    public static ReleaseEstimates Of(DatasetDefinition dataset, IEnumerable<StatisticsRelease> releases)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(releases);
        var layouts = dataset.Tables.Select(t => new CellLayout(t.Dimensions)).ToArray();
        var fits = new Dictionary<(int Year, string Jurisdiction), ReleaseFit>();
        foreach (var release in releases)
        {
            var values = layouts.Select(l => new double[l.CellCount]).ToArray();
            var sent = layouts.Select(l => new int[l.CellCount]).ToArray();
            var variances = new double[layouts.Length];
            foreach (var cell in release.Cells)
            {
                var t = IndexOfTable(dataset, cell.TableId);
                var position = t < 0 ? -1 : layouts[t].PositionOf(cell.Codes);
                if (position >= 0)
                {
                    values[t][position] += cell.Value;
                    sent[t][position]++;
                    variances[t] = cell.Variance;
                }
            }

            var measured = Enumerable.Range(0, layouts.Length).Where(t => variances[t] > 0 && sent[t].All(n => n == 1)).ToArray();
            if (measured.Length == 0)
            {
                continue;
            }

            var estimator = MarginalEstimator.For(measured.Select(t => new MeasuredTable(dataset.Tables[t].Id, dataset.Tables[t].Dimensions, variances[t])).ToArray());
            fits[(release.ReferenceYear, release.Jurisdiction)] = new ReleaseFit(estimator, estimator.Fit(measured.SelectMany(t => values[t]).ToArray()));
        }

        return new ReleaseEstimates(fits);
    }

    /// <summary>The fit of a jurisdiction's current release of a year, or null when none is current (or it measured no table whole).</summary>
    public ReleaseFit? Find(int year, string jurisdiction) => _fits.GetValueOrDefault((year, jurisdiction));

    /// <summary>The jurisdictions with a fit of a year, in ordinal order.</summary>
    public IReadOnlyList<string> JurisdictionsOf(int year) => _jurisdictionsByYear.GetValueOrDefault(year) ?? [];

    private static int IndexOfTable(DatasetDefinition dataset, string tableId)
    {
        for (var t = 0; t < dataset.Tables.Count; t++)
        {
            if (dataset.Tables[t].Id == tableId)
            {
                return t;
            }
        }

        return -1;
    }
}

/// <summary>One release's GLS fit: the estimator of the tables it measured, and the fitted coordinates.</summary>
public sealed class ReleaseFit(MarginalEstimator estimator, double[] fit)
{
    public MarginalEstimator Estimator => estimator;

    /// <summary>The GLS estimate of an estimable cell of the estimator.</summary>
    public double Estimate(EstimableCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Estimate(fit);
    }
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
