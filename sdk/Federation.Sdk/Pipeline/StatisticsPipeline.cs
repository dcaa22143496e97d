using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Protection;
using Federation.Sdk.Records;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Pipeline;

/// <summary>
/// Turns a dataset's source records into protected, unsigned submissions: read, validate (quarantining what is invalid),
/// derive codes, aggregate every table per reference year, protect every cell. The same code for every dataset: the
/// record's fields, validation rules, derivations and tables come from the catalogue.
/// </summary>
public sealed class StatisticsPipeline
{
    private readonly DatasetDefinition _dataset;
    private readonly RecordValidator _validator;
    private readonly IReleaseMaker _releaseMaker;
    private readonly TimeProvider _timeProvider;
    private readonly byte[]? _personKeySecret;

    public StatisticsPipeline(DatasetDefinition dataset, IProtectionMechanism protection, TimeProvider timeProvider)
        : this(dataset, new SubmissionBuilder(dataset, protection), timeProvider)
    {
    }

    /// <summary>
    /// A pipeline whose protected releases come from <paramref name="releaseMaker"/> (for example one that keeps a privacy
    /// ledger). With <paramref name="personKeySecret"/> (the node key), records that carry a person key are bounded to one
    /// per person and reference year (<see cref="Privacy.PersonYearBound"/>); later ones are counted out of scope.
    /// </summary>
    public StatisticsPipeline(DatasetDefinition dataset, IReleaseMaker releaseMaker, TimeProvider timeProvider, byte[]? personKeySecret = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(releaseMaker);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataset = dataset;
        _validator = new RecordValidator(dataset, timeProvider);
        _releaseMaker = releaseMaker;
        _timeProvider = timeProvider;
        _personKeySecret = personKeySecret is null ? null : (byte[])personKeySecret.Clone();
    }

    /// <summary>Runs the pipeline over one source of HTCDS case records (see the overload for several).</summary>
    public Task<PipelineResult> RunAsync(
        ICaseRecordSource source,
        string jurisdiction,
        string nodeId,
        IReadOnlyCollection<int>? referenceYears = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync([source.AsRecordSource()], jurisdiction, nodeId, referenceYears, cancellationToken);
    }

    /// <summary>Runs the pipeline over sources of HTCDS case records (see the overload for dataset record sources).</summary>
    public Task<PipelineResult> RunAsync(
        IReadOnlyList<ICaseRecordSource> sources,
        string jurisdiction,
        string nodeId,
        IReadOnlyCollection<int>? referenceYears = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return RunAsync([.. sources.Select(s => s.AsRecordSource())], jurisdiction, nodeId, referenceYears, cancellationToken);
    }

    /// <summary>
    /// Runs the pipeline over sources read one after the other (a record id may appear once across all of them); each
    /// quarantined record names its source. With <paramref name="referenceYears"/>, exactly those years are released, a year
    /// without records as a grid of zeros (a zero is information), and records of other years are counted out of scope;
    /// without it, every year found in the accepted records is released.
    /// </summary>
    public async Task<PipelineResult> RunAsync(
        IReadOnlyList<IDatasetRecordSource> sources,
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

        var aggregator = new DatasetAggregator(_dataset);
        foreach (var year in referenceYears ?? [])
        {
            aggregator.IncludeYear(year);
        }

        var record = _dataset.Record!;
        var recordIds = new CaseIdRegister();
        var people = _personKeySecret is null ? null : new Privacy.PersonYearBound(_personKeySecret);
        var quarantined = new List<QuarantinedRecord>();
        int read = 0, accepted = 0, outOfScope = 0;
        foreach (var source in sources)
        {
            await foreach (var row in source.ReadAsync(record, cancellationToken).WithCancellation(cancellationToken))
            {
                read++;
                switch (Screen(row, recordIds))
                {
                    case RecordVerdict.Accepted victim when referenceYears is not null && !referenceYears.Contains(victim.ReferenceYear):
                        outOfScope++;
                        break;
                    case RecordVerdict.Accepted victim when people is not null && record.PersonKey is { } personKey && !people.TryCount(row.Record!.Text(personKey), victim.ReferenceYear):
                        // The person is already counted this year: one person moves each table by at most one.
                        outOfScope++;
                        break;
                    case RecordVerdict.Accepted victim:
                        aggregator.Add(victim.ReferenceYear, victim.CodeIndexes);
                        accepted++;
                        break;
                    case RecordVerdict.OutOfScope:
                        outOfScope++;
                        break;
                    case RecordVerdict.Quarantined problem:
                        quarantined.Add(new QuarantinedRecord(row.Location, row.Record?.Text(record.RecordId), problem.Reason) { Source = source.Name });
                        break;
                }
            }
        }

        var producedAt = _timeProvider.GetUtcNow();
        var submissions = _releaseMaker.Make(aggregator.Results().ToArray(), jurisdiction, nodeId, producedAt);
        return new PipelineResult(submissions, read, accepted, outOfScope, quarantined);
    }

    private RecordVerdict Screen(RecordRow row, CaseIdRegister recordIds)
    {
        if (row.Record is not { } record)
        {
            return new RecordVerdict.Quarantined($"unreadable row: {row.Error ?? "the source gave no record"}");
        }

        var idField = _dataset.Record!.RecordId;
        if (record.Text(idField) is { } id && !recordIds.TryRegister(id, row.Location, out var firstSeenAt))
        {
            // The id is in the quarantine list's own column; the reason says where it was first seen.
            return new RecordVerdict.Quarantined($"duplicate {idField.Name} (first seen at {firstSeenAt})");
        }

        return _validator.Validate(record);
    }
}
