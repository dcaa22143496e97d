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

        var run = new Run(this, referenceYears);
        foreach (var source in sources)
        {
            if (run.HasFastPath && source is IRecordSpanSource spans && spans.OpenSpans(_dataset.Record!) is { } cursor)
            {
                await using (cursor)
                {
                    while (await cursor.MoveNextAsync(cancellationToken))
                    {
                        run.Count(cursor, source.Name);
                    }
                }

                continue;
            }

            await foreach (var row in source.ReadAsync(_dataset.Record!, cancellationToken).WithCancellation(cancellationToken))
            {
                run.Count(row, source.Name);
            }
        }

        var producedAt = _timeProvider.GetUtcNow();
        var submissions = _releaseMaker.Make(run.Aggregator.Results().ToArray(), jurisdiction, nodeId, producedAt);
        return new PipelineResult(submissions, run.Read, run.Accepted, run.OutOfScope, run.Quarantined);
    }

    /// <summary>
    /// One run's state: the record ids seen, people counted, true counts and the account of rows. A row from a span
    /// cursor is judged by the fast path when it can be (no allocation), otherwise read the general way, so both paths
    /// give the same counts, reasons and order.
    /// </summary>
    private sealed class Run
    {
        private readonly StatisticsPipeline _pipeline;
        private readonly HashSet<int>? _referenceYears;
        private readonly CaseIdRegister _recordIds = new();
        private readonly Privacy.PersonYearBound? _people;
        private readonly int[] _codes;
        private readonly SpanRecordValidator? _fastPath;

        public Run(StatisticsPipeline pipeline, IReadOnlyCollection<int>? referenceYears)
        {
            _pipeline = pipeline;
            Aggregator = new DatasetAggregator(pipeline._dataset);
            foreach (var year in referenceYears ?? [])
            {
                Aggregator.IncludeYear(year);
            }

            _referenceYears = referenceYears is null ? null : [.. referenceYears];
            _people = pipeline._personKeySecret is null ? null : new Privacy.PersonYearBound(pipeline._personKeySecret);
            _codes = new int[pipeline._dataset.Dimensions.Count];
            _fastPath = SpanRecordValidator.TryCompile(pipeline._dataset, pipeline._timeProvider);
        }

        /// <summary>Whether rows from a span cursor can be judged on the fast path (the dataset's record compiles to it).</summary>
        public bool HasFastPath => _fastPath is not null;

        public DatasetAggregator Aggregator { get; }

        public List<QuarantinedRecord> Quarantined { get; } = [];

        public int Read { get; private set; }

        public int Accepted { get; private set; }

        public int OutOfScope { get; private set; }

        public void Count(IRecordSpanCursor cursor, string sourceName)
        {
            var fastPath = _fastPath!;
            var verdict = fastPath.Screen(cursor, _codes, out var year);
            if (verdict != SpanVerdict.General && !_recordIds.TryRegister(fastPath.RecordId(cursor), cursor, cursor.Position))
            {
                // A duplicate: the general path says where the id was first seen.
                verdict = SpanVerdict.General;
            }

            switch (verdict)
            {
                case SpanVerdict.Accepted:
                    Read++;
                    CountAccepted(year, _codes, PersonKeyField is { } personKey ? cursor.Value(personKey.Index).Trim().ToString() : null);
                    break;
                case SpanVerdict.OutOfScope:
                    Read++;
                    OutOfScope++;
                    break;
                default:
                    Count(cursor.ToRecordRow(), sourceName);
                    break;
            }
        }

        public void Count(RecordRow row, string sourceName)
        {
            Read++;
            switch (_pipeline.Screen(row, _recordIds))
            {
                case RecordVerdict.Accepted victim:
                    CountAccepted(victim.ReferenceYear, [.. victim.CodeIndexes], PersonKeyField is { } personKey ? row.Record!.Text(personKey) : null);
                    break;
                case RecordVerdict.OutOfScope:
                    OutOfScope++;
                    break;
                case RecordVerdict.Quarantined problem:
                    Quarantined.Add(new QuarantinedRecord(row.Location, row.Record?.Text(_pipeline._dataset.Record!.RecordId), problem.Reason) { Source = sourceName });
                    break;
            }
        }

        // The person key field, when people are bounded to one record per year (its text is read only then).
        private Catalog.RecordField? PersonKeyField => _people is null ? null : _pipeline._dataset.Record!.PersonKey;

        private void CountAccepted(int year, ReadOnlySpan<int> codes, string? personKey)
        {
            if (_referenceYears is not null && !_referenceYears.Contains(year))
            {
                OutOfScope++;
            }
            else if (PersonKeyField is not null && !_people!.TryCount(personKey, year))
            {
                // The person is already counted this year: one person moves each table by at most one.
                OutOfScope++;
            }
            else
            {
                Aggregator.Add(year, codes);
                Accepted++;
            }
        }
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
