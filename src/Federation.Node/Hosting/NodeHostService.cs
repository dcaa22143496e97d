using System.Diagnostics;
using System.Globalization;
using Federation.Node.Adapters;
using Federation.Node.Telemetry;
using Federation.Sdk.Hosting;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Hosting;

/// <summary>
/// Runs the node in the generic host: statistics, then the service directory when configured, at start and then on
/// the schedule. A failed run is logged and retried with a doubling delay up to the interval; the host keeps running,
/// except after an identity refusal (<see cref="NodeExitCodes.IdentityRefused"/>: no later run can succeed until an
/// administrator acts), which stops it with that exit code. Without a schedule it runs once and stops the host,
/// leaving the outcome in <see cref="NodeHostStatus"/>.
/// </summary>
internal sealed partial class NodeHostService(
    NodeStartup startup,
    NodeRunner statistics,
    DirectoryRunner directory,
    NodeHostSettings settings,
    NodeHostStatus status,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<NodeHostService> logger) : BackgroundService
{
    private NodeConfiguration Configuration => startup.Configuration;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var caseSources = Describe(startup, NodeSourceKind.CaseRecords);
        var directorySources = Describe(startup, NodeSourceKind.ServiceDirectory);
        var schedule = startup.Interval is { } every ? $"runs every {every}" : "runs once";
        LogStarting(Configuration.NodeId, Configuration.Jurisdiction, Configuration.DatasetId, Configuration.Gateway.Address, caseSources, directorySources, schedule);
        var failures = 0;
        for (var run = 1; !stoppingToken.IsCancellationRequested; run++)
        {
            var started = timeProvider.GetUtcNow();
            var exitCode = await RunAsync(run, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (startup.Interval is not { } interval)
            {
                lifetime.StopApplication();
                return;
            }

            if (exitCode == NodeExitCodes.IdentityRefused)
            {
                // Retrying cannot help and would only fill the log: stop, and let the service manager and monitoring see it.
                status.GaveUp();
                LogGivingUp();
                lifetime.StopApplication();
                return;
            }

            var succeeded = exitCode == NodeExitCodes.Delivered;

            failures = succeeded ? 0 : failures + 1;
            var next = succeeded
                ? started + interval
                : timeProvider.GetUtcNow() + RetryDelay(failures, interval);
            var wait = next - timeProvider.GetUtcNow();
            var at = next.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
            if (succeeded)
            {
                LogNextRun(at);
            }
            else
            {
                LogRetry(at, failures);
            }

            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        LogStopped();
    }

    /// <summary>The wait before retrying after <paramref name="failures"/> failed runs in a row: doubling, at most the interval.</summary>
    internal TimeSpan RetryDelay(int failures, TimeSpan interval)
    {
        var delay = settings.FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay < interval ? delay : interval;
    }

    /// <summary>Runs once; returns the run's exit code (<see cref="NodeExitCodes"/>), or null when it was stopped before it finished.</summary>
    private async Task<int?> RunAsync(int run, CancellationToken cancellationToken)
    {
        LogRunStarted(run);
        using var activity = NodeTelemetry.StartRun(Configuration);
        var started = timeProvider.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var tally = new RunTally();
        await Part("Statistics", c => RunStatisticsAsync(tally, c), tally, cancellationToken);
        if (Configuration.ServiceDirectory is not null
            && !tally.Failures.Any(f => NodeExitCodes.Of(f.Error) == NodeExitCodes.IdentityRefused || f.Error is GatewayUnreachableException))
        {
            await Part("Service directory", c => RunDirectoryAsync(tally, c), tally, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            LogRunCancelled(run);
            return null;
        }

        var exitCode = NodeExitCodes.Of(tally.Failures.Select(f => f.Error));
        NodeTelemetry.RecordRun(Configuration, clock.Elapsed, NodeExitCodes.Name(exitCode), exitCode == NodeExitCodes.Delivered);
        var undelivered = tally.Undelivered.DistinctBy(e => e.Id).ToArray();
        await RecordAsync(tally, started, exitCode, undelivered, cancellationToken);
        if (exitCode == NodeExitCodes.Delivered)
        {
            status.Succeeded();
            LogRunFinished(run, clock.Elapsed.TotalSeconds);
            return exitCode;
        }

        status.Failed(string.Join(Environment.NewLine, tally.Failures.Select(f => $"{f.Part}: {f.Error.Message}")), undelivered, exitCode);
        LogRunFailed(run, clock.Elapsed.TotalSeconds, NodeExitCodes.Name(exitCode));
        return exitCode;
    }

    /// <summary>Keeps what the run did in the state folder, for `fed node status` and monitoring.</summary>
    private async Task RecordAsync(RunTally tally, DateTimeOffset started, int exitCode, IReadOnlyList<OutboxEntry> undelivered, CancellationToken cancellationToken)
    {
        var stateDirectory = NodeStateLayout.Of(Configuration).Root;
        var outbox = await Outbox.OpenExistingAsync(stateDirectory, timeProvider, cancellationToken);
        var pending = outbox is null ? 0 : (await outbox.ListAsync(OutboxEntryState.Pending, cancellationToken)).Count;
        new NodeRunRecord(
            started,
            timeProvider.GetUtcNow(),
            exitCode,
            NodeExitCodes.Name(exitCode),
            tally.Count(ReleaseDelivery.SignedAndSent),
            tally.Count(ReleaseDelivery.Resigned),
            tally.Count(ReleaseDelivery.Resent),
            tally.Count(ReleaseDelivery.AlreadyDelivered),
            tally.DirectoryReleasesSent,
            undelivered.Count(e => e.State == OutboxEntryState.Failed),
            pending,
            [.. tally.Failures.Select(f => $"{f.Part}: {f.Error.Message}")]).Save(stateDirectory);
    }

    /// <summary>What the parts of one run did and how they failed.</summary>
    private sealed class RunTally
    {
        public List<(string Part, Exception Error)> Failures { get; } = [];

        public List<OutboxEntry> Undelivered { get; } = [];

        public List<PublishedRelease> Published { get; } = [];

        public int DirectoryReleasesSent { get; set; }

        public int Count(ReleaseDelivery delivery) => Published.Count(p => p.Delivery == delivery);
    }

    private async Task Part(string part, Func<CancellationToken, Task> work, RunTally tally, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the run ends here and is neither a success nor a failure.
        }
        catch (Exception e)
        {
            tally.Failures.Add((part, e));
            if (e is OutboxDeliveryException delivery)
            {
                tally.Undelivered.AddRange(delivery.Undelivered);
            }

            LogPartFailed(part, e.Message);
            LogFailureDetail(e);
        }
    }

    private async Task RunStatisticsAsync(RunTally tally, CancellationToken cancellationToken)
    {
        var report = await statistics.RunAsync(cancellationToken);
        tally.Published.AddRange(report.Published);
        var pipeline = report.Pipeline;
        LogRecordsRead(pipeline.RecordsRead, pipeline.RecordsAccepted, pipeline.RecordsOutOfScope, pipeline.Quarantined.Count, report.QuarantineReportPath);
        var receipts = NodeStateLayout.Of(Configuration).Receipts;
        var (signed, resigned) = (tally.Count(ReleaseDelivery.SignedAndSent), tally.Count(ReleaseDelivery.Resigned));
        var (resent, alreadyDelivered) = (tally.Count(ReleaseDelivery.Resent), tally.Count(ReleaseDelivery.AlreadyDelivered));
        LogReleasesSent(signed, resigned, resent, alreadyDelivered, receipts);
        foreach (var published in report.Published)
        {
            var receipt = published.Receipt;
            var kind = published.Delivery switch
            {
                ReleaseDelivery.SignedAndSent => "signed and sent",
                ReleaseDelivery.Resigned => "refused earlier, signed again and sent",
                ReleaseDelivery.Resent => "left pending earlier, sent",
                _ => "unchanged, delivered earlier, not sent again",
            };
            LogReceipt(receipt.ReferenceYear, receipt.Revision, receipt.SubmissionId, receipt.LeafIndex, kind);
        }

        foreach (var waiting in report.Outlooks.Where(o => o.Status is ReleaseStatus.NotDue or ReleaseStatus.HeldUntilNextEdition && !o.Refused))
        {
            LogYearWaiting(waiting.ReferenceYear, waiting.Status == ReleaseStatus.NotDue
                ? "its first edition is not due yet on the publication calendar; nothing was sent for it"
                : "its data changed, but this edition was already released; the revision waits for the next scheduled edition");
        }

        if (report.Refused.Count > 0)
        {
            // Every other year was sent; the refusal still fails the run so the operator sees it.
            throw new PrivacyBudgetExceededException([.. report.Shortfalls]);
        }
    }

    private async Task RunDirectoryAsync(RunTally tally, CancellationToken cancellationToken)
    {
        var report = await directory.RunAsync(cancellationToken);
        tally.DirectoryReleasesSent += (report.SnapshotReceipt is null ? 0 : 1) + report.CapacityReceipts.Count;
        var snapshot = report.SnapshotReceipt is { } receipt
            ? $"sent as revision {receipt.SnapshotRevision} (receipt {receipt.ReleaseId})"
            : "unchanged since the last one accepted, not sent";
        LogDirectory(report.Snapshot.Services.Count, snapshot, report.ReadingsSent, report.CapacityReceipts.Count, report.Quarantined.Count, report.QuarantineReportPath);
    }

    private static string Describe(NodeStartup startup, NodeSourceKind kind)
    {
        var sources = startup.Sources.Describe(kind);
        return sources.Count > 0 ? string.Join(", ", sources) : "none";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} ({Jurisdiction}) starting: dataset {DatasetId}, gateway {Gateway}; case records from {CaseSources}; service directory from {DirectorySources}; {Schedule}.")]
    private partial void LogStarting(string nodeId, string jurisdiction, string datasetId, string gateway, string caseSources, string directorySources, string schedule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: reference year {ReferenceYear} not released: {Reason}.")]
    private partial void LogYearWaiting(int referenceYear, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} started.")]
    private partial void LogRunStarted(int run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: read {Read} records: {Accepted} accepted, {OutOfScope} out of scope, {Quarantined} quarantined (listed in {QuarantineReport}).")]
    private partial void LogRecordsRead(int read, int accepted, int outOfScope, int quarantined, string quarantineReport);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: {Signed} release(s) signed and sent, {Resigned} refused earlier and signed again, {Resent} left pending earlier and sent, {AlreadyDelivered} unchanged and delivered earlier (not sent again); receipts kept in {Receipts}.")]
    private partial void LogReleasesSent(int signed, int resigned, int resent, int alreadyDelivered, string receipts);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {ReferenceYear}: revision {Revision}, receipt {SubmissionId}, transparency log entry {LeafIndex} ({Kind}).")]
    private partial void LogReceipt(int referenceYear, int revision, string submissionId, ulong leafIndex, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service directory: {Services} services, snapshot {Snapshot}; {Readings} capacity reading(s) sent in {Updates} update(s); {Quarantined} quarantined (listed in {QuarantineReport}).")]
    private partial void LogDirectory(int services, string snapshot, int readings, int updates, int quarantined, string quarantineReport);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} finished in {Seconds:0.0} s.")]
    private partial void LogRunFinished(int run, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Part} failed: {Reason}")]
    private partial void LogPartFailed(string part, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failure detail")]
    private partial void LogFailureDetail(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {Run} failed after {Seconds:0.0} s ({Outcome}).")]
    private partial void LogRunFailed(int run, double seconds, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {Run} was stopped before it finished.")]
    private partial void LogRunCancelled(int run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Next run at {Next}.")]
    private partial void LogNextRun(string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying at {Next} ({Failures} failed run(s) in a row).")]
    private partial void LogRetry(string next, int failures);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The node stops: the gateway refuses its identity, so no later run can succeed until an administrator acts (see the reason above). Nothing is retried; start the node again once the certificate or registration is fixed.")]
    private partial void LogGivingUp();

    [LoggerMessage(Level = LogLevel.Information, Message = "Node stopped.")]
    private partial void LogStopped();
}
