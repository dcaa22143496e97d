using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Pipeline;

namespace Federation.Sdk.Privacy;

/// <summary>
/// The release maker of a preview: runs <see cref="LedgeredReleaseMaker.Preview"/> (nothing charged) and
/// keeps its outlook per year for the report.
/// </summary>
public sealed class ReleasePreviewMaker(LedgeredReleaseMaker releases) : IReleaseMaker
{
    /// <summary>The outlook of each reference year of the last pipeline run, in year order.</summary>
    public IReadOnlyList<ReleaseOutlook> Outlooks { get; private set; } = [];

    public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        Outlooks = releases.Preview(years, jurisdiction, nodeId);
        return Outlooks.Where(o => o.Release is not null).Select(o => o.Release!).ToArray();
    }
}
