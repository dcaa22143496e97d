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
    /// Runs the pipeline without sending anything. Under a noise mechanism the protected releases are made (and
    /// charged to the privacy ledger) here, so what this returns is exactly what a run sends; preparing again on
    /// unchanged data returns the same releases and spends nothing.
    /// </summary>
    public async Task<PipelineResult> PrepareAsync(CancellationToken cancellationToken)
    {
        var dataset = DatasetCatalog.Default.Get(_configuration.DatasetId);
        var key = await File.ReadAllBytesAsync(_configuration.Resolve(_configuration.Protection.KeyFile), cancellationToken);
        if (!dataset.Protection.IsNoise)
        {
            var rounding = new KeyedRandomRounding(key, dataset.Protection.RoundingBase);
            return await RunPipelineAsync(new CaseStatisticsPipeline(dataset, rounding, _timeProvider), cancellationToken);
        }

        using var ledger = PrivacyLedger.Open(PrivacyDirectory(_configuration));
        var noise = new DiscreteGaussianNoise(dataset.Protection, new CryptoRandomBitSource());
        var releases = new LedgeredReleaseMaker(dataset, noise, ledger, key, _timeProvider);
        return await RunPipelineAsync(new CaseStatisticsPipeline(dataset, releases, _timeProvider), cancellationToken);
    }

    private async Task<PipelineResult> RunPipelineAsync(CaseStatisticsPipeline pipeline, CancellationToken cancellationToken)
    {
        using var sources = _sources.Create(NodeSourceKind.CaseRecords);
        return await pipeline.RunAsync(
            sources.CaseRecords,
            _configuration.Jurisdiction,
            _configuration.NodeId,
            _configuration.ReferenceYears.Count > 0 ? _configuration.ReferenceYears : null,
            cancellationToken);
    }

    /// <summary>Prepares, then signs and uploads every release; returns what was sent and what was quarantined.</summary>
    public async Task<NodeRunReport> RunAsync(CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(cancellationToken);
        var stateDirectory = _configuration.Resolve(_configuration.StateDirectory);
        var quarantineReport = QuarantineReport.Write(Path.Combine(stateDirectory, "quarantine.csv"), prepared.Quarantined);
        using var connection = NodeGatewayConnection.Open(_configuration, _timeProvider);
        using var logKey = LogVerifierKey.Load(_configuration.Resolve(_configuration.Gateway.LogVerifierKey));
        var publisher = new ReleasePublisher(
            new SubmissionService.SubmissionServiceClient(connection.Channel),
            connection.Signer,
            new ReleaseArchive(stateDirectory),
            _timeProvider,
            new ReceiptVerifier(logKey),
            new ReceiptSignatureVerifier(connection.Trust, _timeProvider));
        var published = new List<PublishedRelease>();
        foreach (var submission in prepared.Submissions)
        {
            published.Add(await publisher.PublishAsync(submission, cancellationToken));
        }

        return new NodeRunReport(_configuration.Jurisdiction, prepared, published, quarantineReport);
    }
}

/// <summary>What one node run did: records read and quarantined, and the releases the gateway accepted.</summary>
public sealed record NodeRunReport(
    string Jurisdiction,
    PipelineResult Pipeline,
    IReadOnlyList<PublishedRelease> Published,
    string QuarantineReportPath)
{
    public IReadOnlyList<QuarantinedRecord> Quarantined => Pipeline.Quarantined;
}
