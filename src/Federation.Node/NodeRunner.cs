using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Node.Adapters;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Hosting;
using Federation.Sdk.Identity;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Publishing;
using Federation.Sdk.Records;
using Federation.Sdk.Signing;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;
using Federation.Sdk.Validation;
using Google.Protobuf;

namespace Federation.Node;

/// <summary>
/// One run of a node: for each of its datasets, read its sources, validate and quarantine, aggregate, protect, then
/// sign and upload one release per reference year and keep the receipts. Every dataset goes through the same code.
/// </summary>
public sealed class NodeRunner
{
    private readonly NodeConfiguration _configuration;
    private readonly TimeProvider _timeProvider;
    private readonly NodeSourceFactory _sources;

    /// <summary>A runner whose sources come from <paramref name="sources"/>, else from the configuration's adapters.</summary>
    public NodeRunner(NodeConfiguration configuration, TimeProvider timeProvider, NodeSourceFactory? sources = null)
    {
        _configuration = configuration;
        _timeProvider = timeProvider;
        _sources = sources ?? new NodeSourceFactory(configuration, timeProvider);
    }

    /// <summary>
    /// Runs the pipeline of a run, just before signing. The releases due on the publication calendar are made (noise
    /// keyed to the node key, year, edition and counts; or keyed random rounding) and charged to the privacy ledger here,
    /// so what this returns is exactly what the run sends; preparing again returns the same releases and spends nothing.
    /// A year refused for its budget or not yet due sends nothing and does not stop the others (see
    /// <see cref="NodePreparation.Outlooks"/>). To look without spending, use <see cref="PreviewAsync"/>.
    /// </summary>
    public async Task<NodePreparation> PrepareAsync(CancellationToken cancellationToken)
    {
        var key = await File.ReadAllBytesAsync(_configuration.Resolve(_configuration.Protection.KeyFile), cancellationToken);
        using var ledger = PrivacyLedger.Open(NodeStateLayout.Of(_configuration).Privacy);
        using var sources = _sources.CreateRecordSources();
        var prepared = new List<DatasetPreparation>();
        foreach (var node in _configuration.StatisticsDatasets())
        {
            var dataset = _configuration.Catalog().Get(node.DatasetId);
            var releases = new LedgeredReleaseMaker(dataset, ledger, key, _timeProvider);
            var result = await RunPipelineAsync(node, new StatisticsPipeline(dataset, releases, _timeProvider, key), sources, cancellationToken);
            prepared.Add(new(dataset, result, releases.Outlooks));
        }

        return new(prepared);
    }

    /// <summary>
    /// Shows what a run would send, sending and charging nothing: the releases a run would make now, noise included
    /// (noise is a keyed function of the counts and edition, so previewing again, or deleting any file, cannot change it).
    /// </summary>
    public async Task<IReadOnlyList<NodePreview>> PreviewAsync(CancellationToken cancellationToken)
    {
        var key = await File.ReadAllBytesAsync(_configuration.Resolve(_configuration.Protection.KeyFile), cancellationToken);
        using var ledger = PrivacyLedger.Open(NodeStateLayout.Of(_configuration).Privacy);
        using var sources = _sources.CreateRecordSources();
        var previews = new List<NodePreview>();
        foreach (var node in _configuration.StatisticsDatasets())
        {
            var dataset = _configuration.Catalog().Get(node.DatasetId);
            var preview = new ReleasePreviewMaker(new LedgeredReleaseMaker(dataset, ledger, key, _timeProvider));
            var result = await RunPipelineAsync(node, new StatisticsPipeline(dataset, preview, _timeProvider, key), sources, cancellationToken);
            var (refused, refusedForData) = await RefusedEarlierAsync(dataset.Id, preview.Outlooks, cancellationToken);
            previews.Add(new NodePreview(_configuration, dataset, result, preview.Outlooks, refused, refusedForData));
        }

        return previews;
    }

    /// <summary>
    /// The years whose release the gateway refused the last time it was sent: not for its data (the next run signs it
    /// again with the current key and sends it, spending nothing), and for its data (not sent again until the source
    /// changes); see <see cref="ReleasePublisher"/>.
    /// </summary>
    private async Task<(IReadOnlySet<int> Refused, IReadOnlySet<int> RefusedForData)> RefusedEarlierAsync(
        string datasetId, IReadOnlyList<ReleaseOutlook> outlooks, CancellationToken cancellationToken)
    {
        var refused = new HashSet<int>();
        var refusedForData = new HashSet<int>();
        var outbox = await Outbox.OpenExistingAsync(NodeStateLayout.Of(_configuration).Root, _timeProvider, cancellationToken);
        if (outbox is null)
        {
            return (refused, refusedForData);
        }

        foreach (var outlook in outlooks.Where(o => o.Release is not null))
        {
            var latest = await outbox.FindLatestAsync(OutboxEntryKind.Statistics, datasetId, outlook.ReferenceYear, cancellationToken);
            if (latest is { State: OutboxEntryState.Failed } && latest.SubmissionId == Convert.ToHexStringLower(SHA256.HashData(outlook.Release!.ToByteArray())))
            {
                (latest.RefusedForData ? refusedForData : refused).Add(outlook.ReferenceYear);
            }
        }

        return (refused, refusedForData);
    }

    /// <summary>
    /// Reads and validates the records of every dataset of the node only (one account per dataset, in the order
    /// configured): no release is made, nothing drawn, charged or sent.
    /// </summary>
    public async Task<IReadOnlyList<DatasetValidation>> ValidateDatasetsAsync(CancellationToken cancellationToken)
    {
        using var sources = _sources.CreateRecordSources();
        var validated = new List<DatasetValidation>();
        foreach (var node in _configuration.StatisticsDatasets())
        {
            var dataset = _configuration.Catalog().Get(node.DatasetId);
            validated.Add(new(dataset, await RunPipelineAsync(node, new StatisticsPipeline(dataset, new NoReleases(), _timeProvider), sources, cancellationToken)));
        }

        return validated;
    }

    /// <summary>Reads and validates the node's records only, every dataset's together (see <see cref="ValidateDatasetsAsync"/>).</summary>
    public async Task<PipelineResult> ValidateAsync(CancellationToken cancellationToken) =>
        PipelineResults.Combine([.. (await ValidateDatasetsAsync(cancellationToken)).Select(v => v.Pipeline)]);

    private sealed class NoReleases : IReleaseMaker
    {
        public IReadOnlyList<Submission> Make(IReadOnlyList<Sdk.Aggregation.YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt) => [];
    }

    private Task<PipelineResult> RunPipelineAsync(NodeDataset node, StatisticsPipeline pipeline, NodeSourceSet sources, CancellationToken cancellationToken) =>
        pipeline.RunAsync(
            sources.RecordSourcesOf(node.DatasetId),
            _configuration.Jurisdiction,
            _configuration.NodeId,
            node.ReferenceYears.ToArray(),
            cancellationToken);

    /// <summary>
    /// Contacts the gateway (<see cref="NodeGatewayConnection.CheckAsync"/>: nothing is prepared or charged when it cannot
    /// be reached or refuses the node), sends what earlier runs left in the outbox, prepares, then signs, queues and
    /// uploads every release; returns what was sent and what was quarantined. Throws <see cref="OutboxDeliveryException"/>
    /// when a release was refused or is still pending after this run's attempts (the outbox keeps it).
    /// </summary>
    public async Task<NodeRunReport> RunAsync(CancellationToken cancellationToken)
    {
        using var connection = await NodeGatewayConnection.OpenCheckedAsync(_configuration, _timeProvider, cancellationToken);
        using var outbox = await NodeOutbox.OpenAsync(_configuration, connection, _timeProvider, cancellationToken);
        await outbox.SendEarlierAsync(cancellationToken);
        var prepared = await PrepareAsync(cancellationToken);
        Telemetry.NodeTelemetry.RecordPrepared(_configuration, prepared);
        var quarantineReport = QuarantineReport.Write(NodeStateLayout.Of(_configuration).QuarantineReport, prepared.Pipeline.Quarantined);
        var published = await outbox.Statistics.PublishAsync(prepared.Pipeline.Submissions, cancellationToken);
        return new NodeRunReport(_configuration.Jurisdiction, prepared.Pipeline, prepared.Outlooks, published, quarantineReport)
        {
            Datasets = prepared.Datasets,
        };
    }
}

/// <summary>What a run prepared for one dataset: the pipeline's releases and account, and under noise the outlook of every reference year.</summary>
public sealed record DatasetPreparation(DatasetDefinition Dataset, PipelineResult Pipeline, IReadOnlyList<ReleaseOutlook> Outlooks)
{
    /// <summary>The budget shortfall of each year refused for exceeding the privacy budget.</summary>
    public IReadOnlyList<BudgetShortfall> Shortfalls => [.. Outlooks.Where(o => o.Refused).Select(o => o.Shortfall(Dataset.Id))];
}

/// <summary>What one node's records gave for one dataset when only validated.</summary>
public sealed record DatasetValidation(DatasetDefinition Dataset, PipelineResult Pipeline);

/// <summary>
/// What a run prepared, per dataset; <see cref="Pipeline"/> and <see cref="Outlooks"/> are every dataset's together
/// (releases in dataset order, then year order).
/// </summary>
public sealed record NodePreparation(IReadOnlyList<DatasetPreparation> Datasets)
{
    public PipelineResult Pipeline { get; } = PipelineResults.Combine([.. Datasets.Select(d => d.Pipeline)]);

    public IReadOnlyList<ReleaseOutlook> Outlooks { get; } = [.. Datasets.SelectMany(d => d.Outlooks)];

    /// <summary>The years refused for exceeding the privacy budget (nothing was made for them; other years were).</summary>
    public IReadOnlyList<ReleaseOutlook> Refused => Outlooks.Where(o => o.Refused).ToArray();

    /// <summary>The budget shortfall of every refused year, naming its dataset.</summary>
    public IReadOnlyList<BudgetShortfall> Shortfalls => [.. Datasets.SelectMany(d => d.Shortfalls)];
}

/// <summary>Several pipeline runs' accounts as one.</summary>
internal static class PipelineResults
{
    public static PipelineResult Combine(IReadOnlyList<PipelineResult> results) => results.Count == 1
        ? results[0]
        : new(
            [.. results.SelectMany(r => r.Submissions)],
            results.Sum(r => r.RecordsRead),
            results.Sum(r => r.RecordsAccepted),
            results.Sum(r => r.RecordsOutOfScope),
            [.. results.SelectMany(r => r.Quarantined)]);
}

/// <summary>
/// What one node run did: records read and quarantined, each reference year's outlook (sent, held, not due, refused),
/// and the releases the gateway accepted.
/// </summary>
public sealed record NodeRunReport(
    string Jurisdiction,
    PipelineResult Pipeline,
    IReadOnlyList<ReleaseOutlook> Outlooks,
    IReadOnlyList<PublishedRelease> Published,
    string QuarantineReportPath)
{
    public IReadOnlyList<QuarantinedRecord> Quarantined => Pipeline.Quarantined;

    /// <summary>What the run prepared for each dataset of the node, in the order configured.</summary>
    public IReadOnlyList<DatasetPreparation> Datasets { get; init; } = [];

    /// <summary>The budget shortfall of every refused year, naming its dataset.</summary>
    public IReadOnlyList<BudgetShortfall> Shortfalls => [.. Datasets.SelectMany(d => d.Shortfalls)];

    /// <summary>The years refused for exceeding the privacy budget (nothing was sent for them; other years were).</summary>
    public IReadOnlyList<ReleaseOutlook> Refused => Outlooks.Where(o => o.Refused).ToArray();
}
