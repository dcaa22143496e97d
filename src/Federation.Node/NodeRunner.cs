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
/// One run of a node: read its sources, validate and quarantine, aggregate, protect, then sign and upload one release
/// per reference year and keep the receipts.
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

    /// <summary>The folder of the node's privacy ledger.</summary>
    public static string PrivacyDirectory(NodeConfiguration configuration) =>
        Path.Combine(configuration.Resolve(configuration.StateDirectory), "privacy");

    /// <summary>
    /// Runs the pipeline of a run, just before signing. The releases due on the publication calendar are made (noise
    /// keyed to the node key, year, edition and counts; or keyed random rounding) and charged to the privacy ledger here,
    /// so what this returns is exactly what the run sends; preparing again returns the same releases and spends nothing.
    /// A year refused for its budget or not yet due sends nothing and does not stop the others (see
    /// <see cref="NodePreparation.Outlooks"/>). To look without spending, use <see cref="PreviewAsync"/>.
    /// </summary>
    public async Task<NodePreparation> PrepareAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(_configuration.DatasetId);
        var key = await File.ReadAllBytesAsync(_configuration.Resolve(_configuration.Protection.KeyFile), cancellationToken);
        using var ledger = PrivacyLedger.Open(PrivacyDirectory(_configuration));
        var releases = new LedgeredReleaseMaker(dataset, ledger, key, _timeProvider);
        var result = await RunPipelineAsync(new StatisticsPipeline(dataset, releases, _timeProvider, key), cancellationToken);
        return new(result, releases.Outlooks);
    }

    /// <summary>
    /// Shows what a run would send, sending and charging nothing: the releases a run would make now, noise included
    /// (noise is a keyed function of the counts and edition, so previewing again, or deleting any file, cannot change it).
    /// </summary>
    public async Task<NodePreview> PreviewAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(_configuration.DatasetId);
        var key = await File.ReadAllBytesAsync(_configuration.Resolve(_configuration.Protection.KeyFile), cancellationToken);
        using var ledger = PrivacyLedger.Open(PrivacyDirectory(_configuration));
        var preview = new ReleasePreviewMaker(new LedgeredReleaseMaker(dataset, ledger, key, _timeProvider));
        var result = await RunPipelineAsync(new StatisticsPipeline(dataset, preview, _timeProvider, key), cancellationToken);
        return new NodePreview(_configuration, dataset, result, preview.Outlooks, await RefusedEarlierAsync(preview.Outlooks, cancellationToken));
    }

    /// <summary>
    /// The years whose release the gateway refused the last time it was sent: the next run signs it again with the
    /// current key and sends it, spending nothing (see <see cref="ReleasePublisher"/>).
    /// </summary>
    private async Task<IReadOnlySet<int>> RefusedEarlierAsync(IReadOnlyList<ReleaseOutlook> outlooks, CancellationToken cancellationToken)
    {
        var refused = new HashSet<int>();
        var outbox = await Outbox.OpenExistingAsync(NodeOutbox.StateDirectory(_configuration), _timeProvider, cancellationToken);
        if (outbox is null)
        {
            return refused;
        }

        foreach (var outlook in outlooks.Where(o => o.Release is not null))
        {
            var latest = await outbox.FindLatestAsync(OutboxEntryKind.Statistics, _configuration.DatasetId, outlook.ReferenceYear, cancellationToken);
            if (latest is { State: OutboxEntryState.Failed } && latest.SubmissionId == Convert.ToHexStringLower(SHA256.HashData(outlook.Release!.ToByteArray())))
            {
                refused.Add(outlook.ReferenceYear);
            }
        }

        return refused;
    }

    /// <summary>Reads and validates the node's case records only: no release is made, nothing drawn, charged or sent.</summary>
    public Task<PipelineResult> ValidateAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(_configuration.DatasetId);
        return RunPipelineAsync(new StatisticsPipeline(dataset, new NoReleases(), _timeProvider), cancellationToken);
    }

    private sealed class NoReleases : IReleaseMaker
    {
        public IReadOnlyList<Submission> Make(IReadOnlyList<Sdk.Aggregation.YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt) => [];
    }

    private async Task<PipelineResult> RunPipelineAsync(StatisticsPipeline pipeline, CancellationToken cancellationToken)
    {
        using var sources = _sources.Create(NodeSourceKind.CaseRecords);
        return await pipeline.RunAsync(
            sources.CaseRecords,
            _configuration.Jurisdiction,
            _configuration.NodeId,
            _configuration.ReferenceYears,
            cancellationToken);
    }

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
        var stateDirectory = _configuration.Resolve(_configuration.StateDirectory);
        var quarantineReport = QuarantineReport.Write(Path.Combine(stateDirectory, "quarantine.csv"), prepared.Pipeline.Quarantined);
        var published = await outbox.Statistics.PublishAsync(prepared.Pipeline.Submissions, cancellationToken);
        return new NodeRunReport(_configuration.Jurisdiction, prepared.Pipeline, prepared.Outlooks, published, quarantineReport);
    }
}

/// <summary>What a run prepared: the pipeline's releases and account, and under noise the outlook of every reference year.</summary>
public sealed record NodePreparation(PipelineResult Pipeline, IReadOnlyList<ReleaseOutlook> Outlooks)
{
    /// <summary>The years refused for exceeding the privacy budget (nothing was made for them; other years were).</summary>
    public IReadOnlyList<ReleaseOutlook> Refused => Outlooks.Where(o => o.Refused).ToArray();
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

    /// <summary>The years refused for exceeding the privacy budget (nothing was sent for them; other years were).</summary>
    public IReadOnlyList<ReleaseOutlook> Refused => Outlooks.Where(o => o.Refused).ToArray();
}
