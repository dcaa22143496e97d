using Federation.Contracts.V1;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Pipeline;

/// <summary>
/// The outcome of one pipeline run: one unsigned submission per reference year (in year order) and an account of
/// every row read. <see cref="RecordsRead"/> = <see cref="RecordsAccepted"/> + <see cref="RecordsOutOfScope"/> + quarantined.
/// </summary>
public sealed record PipelineResult(
    IReadOnlyList<Submission> Submissions,
    int RecordsRead,
    int RecordsAccepted,
    int RecordsOutOfScope,
    IReadOnlyList<QuarantinedRecord> Quarantined);
