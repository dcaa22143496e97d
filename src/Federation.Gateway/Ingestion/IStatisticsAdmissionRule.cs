using Federation.Contracts.V1;
using Federation.Gateway.Serving;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// A rule a valid statistics release must also pass, given the releases already accepted for its dataset,
/// jurisdiction and year (such as a gateway-enforced privacy budget). Every registered rule runs in
/// <see cref="SubmissionIngestor"/> under the log's single writer, after the duplicate and "older than current"
/// checks, so what it counts cannot change before the release is appended. Refuses by throwing
/// <see cref="RequestRefusedException"/>; nothing is written then.
/// </summary>
public interface IStatisticsAdmissionRule
{
    /// <param name="submission">The release being admitted (valid against the catalogue).</param>
    /// <param name="accepted">The releases accepted before for the same dataset, jurisdiction and year, oldest first, parsed from the log.</param>
    void Admit(Submission submission, IReadOnlyList<StatisticsRelease> accepted);
}
