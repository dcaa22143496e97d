using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;

namespace Federation.Sdk.Pipeline;

/// <summary>Turns a run's true counts, one entry per reference year, into the protected (unsigned) submissions that may leave the node.</summary>
public interface IReleaseMaker
{
    IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt);
}
