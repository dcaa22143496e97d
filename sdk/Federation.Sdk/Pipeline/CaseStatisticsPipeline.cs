using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Pipeline;

/// <summary>
/// Turns a source's case records into protected, unsigned submissions: read, validate (quarantining what is invalid),
/// derive codes, aggregate every table per reference year, protect every cell.
/// </summary>
public sealed class CaseStatisticsPipeline
{
    private readonly DatasetDefinition _dataset;
    private readonly CaseRecordValidator _validator;
    private readonly IReleaseMaker _releaseMaker;
    private readonly TimeProvider _timeProvider;
    private readonly byte[]? _personKeySecret;

    public CaseStatisticsPipeline(DatasetDefinition dataset, IProtectionMechanism protection, TimeProvider timeProvider)
        : this(dataset, new SubmissionBuilder(dataset, protection), timeProvider)
    {
    }

    /// <summary>
    /// A pipeline whose protected releases come from <paramref name="releaseMaker"/> (for example one that keeps a privacy
    /// ledger). With <paramref name="personKeySecret"/> (the node key), records that carry a person key are bounded to one
    /// per person and reference year (<see cref="Privacy.PersonYearBound"/>); later ones are counted out of scope.
    /// </summary>
    public CaseStatisticsPipeline(DatasetDefinition dataset, IReleaseMaker releaseMaker, TimeProvider timeProvider, byte[]? personKeySecret = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(releaseMaker);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var mapper = new HtcdsCodeMapper(dataset);
        var unmapped = dataset.Tables.SelectMany(t => t.Dimensions).Select(d => d.Id).Distinct().Except(HtcdsCodeMapper.DimensionIds).ToArray();
        if (unmapped.Length > 0)
        {
            throw new ArgumentException(
                $"Dataset '{dataset.Id}' tabulates dimension(s) {string.Join(", ", unmapped)} that case records are not mapped to.",
                nameof(dataset));
        }

        _dataset = dataset;
        _validator = new CaseRecordValidator(mapper, timeProvider);
        _releaseMaker = releaseMaker;
        _timeProvider = timeProvider;
        _personKeySecret = personKeySecret is null ? null : (byte[])personKeySecret.Clone();
    }

    /// <summary>Runs the pipeline over one source (see the overload for several).</summary>
    public Task<PipelineResult> RunAsync(
        ICaseRecordSource source,
        string jurisdiction,
        string nodeId,
        IReadOnlyCollection<int>? referenceYears = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync([source], jurisdiction, nodeId, referenceYears, cancellationToken);
    }

    /// <summary>
    /// Runs the pipeline over sources read one after the other (a case id may appear once across all of them); each
    /// quarantined record names its source. With <paramref name="referenceYears"/>, exactly those years are released, a year
    /// without victims as a grid of zeros (a zero is information), and victims identified in other years are counted
    /// out of scope; without it, every year found in the accepted records is released.
    /// </summary>
    public async Task<PipelineResult> RunAsync(
        IReadOnlyList<ICaseRecordSource> sources,
        string jurisdiction,
        string nodeId,
        IReadOnlyCollection<int>? referenceYears = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        if (!_dataset.Jurisdictions.Contains(jurisdiction, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"'{jurisdiction}' is not a jurisdiction of dataset '{_dataset.Id}' ({string.Join(", ", _dataset.Jurisdictions)}).",
                nameof(jurisdiction));
        }

        var aggregator = new VictimAggregator(_dataset);
        foreach (var year in referenceYears ?? [])
        {
            aggregator.IncludeYear(year);
        }

        var caseIds = new CaseIdRegister();
        var people = _personKeySecret is null ? null : new Privacy.PersonYearBound(_personKeySecret);
        var quarantined = new List<QuarantinedRecord>();
        int read = 0, accepted = 0, outOfScope = 0;
        foreach (var source in sources)
        {
            await foreach (var row in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken))
            {
                read++;
                switch (Screen(row, caseIds))
                {
                    case RecordVerdict.Accepted victim when referenceYears is not null && !referenceYears.Contains(victim.ReferenceYear):
                        outOfScope++;
                        break;
                    case RecordVerdict.Accepted victim when people is not null && !people.TryCount(row.Record!.PersonKey, victim.ReferenceYear):
                        // The person is already counted this year: one person moves each table by at most one.
                        outOfScope++;
                        break;
                    case RecordVerdict.Accepted victim:
                        aggregator.Add(victim.ReferenceYear, victim.Codes);
                        accepted++;
                        break;
                    case RecordVerdict.OutOfScope:
                        outOfScope++;
                        break;
                    case RecordVerdict.Quarantined problem:
                        quarantined.Add(new QuarantinedRecord(row.Location, row.Record?.CaseId, problem.Reason) { Source = source.Name });
                        break;
                }
            }
        }

        var producedAt = _timeProvider.GetUtcNow();
        var submissions = _releaseMaker.Make(aggregator.Results().ToArray(), jurisdiction, nodeId, producedAt);
        return new PipelineResult(submissions, read, accepted, outOfScope, quarantined);
    }

    private RecordVerdict Screen(SourceRow row, CaseIdRegister caseIds)
    {
        if (row.Record is not { } record)
        {
            return new RecordVerdict.Quarantined($"unreadable row: {row.Error ?? "the source gave no record"}");
        }

        if (!string.IsNullOrWhiteSpace(record.CaseId) && !caseIds.TryRegister(record.CaseId, row.Location, out var firstSeenAt))
        {
            // The id is in the quarantine list's own column; the reason says where it was first seen.
            return new RecordVerdict.Quarantined($"duplicate {nameof(CaseRecord.CaseId)} (first seen at {firstSeenAt})");
        }

        return _validator.Validate(record);
    }
}
