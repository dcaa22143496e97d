using Federation.Sdk.Privacy;
using System.Diagnostics;
using System.Globalization;
using Federation.Node.Adapters;
using Federation.Sdk.Hosting;
using Federation.Sdk.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Hosting;

/// <summary>
/// Runs the node in the generic host: statistics, then the service directory when configured, at start and then on
/// the schedule. A failed run is logged and retried with a doubling delay up to the interval; the host keeps running.
/// Without a schedule it runs once and stops the host, leaving the outcome in <see cref="NodeHostStatus"/>.
/// </summary>
internal sealed partial class NodeHostService(
    NodeStartup startup,
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
            var succeeded = await RunAsync(run, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (startup.Interval is not { } interval)
            {
                lifetime.StopApplication();
                return;
            }

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

    private async Task<bool> RunAsync(int run, CancellationToken cancellationToken)
    {
        LogRunStarted(run);
        var clock = Stopwatch.StartNew();
        var failed = new List<(string Part, Exception Error)>();
        var undelivered = new List<OutboxEntry>();
        await Part("Statistics", RunStatisticsAsync, failed, undelivered, cancellationToken);
        if (Configuration.ServiceDirectory is not null)
        {
            await Part("Service directory", RunDirectoryAsync, failed, undelivered, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            LogRunCancelled(run);
            return false;
        }

        if (failed.Count == 0)
        {
            status.Succeeded();
            LogRunFinished(run, clock.Elapsed.TotalSeconds);
            return true;
        }

        // A source whose adapter failed is unusable as it is, as a bad setting is: exit code 2, not 1.
        var exitCode = failed.Any(f => f.Error is SourceReadException) ? 2 : 1;
        status.Failed(string.Join(Environment.NewLine, failed.Select(f => $"{f.Part}: {f.Error.Message}")), [.. undelivered.DistinctBy(e => e.Id)], exitCode);
        LogRunFailed(run, clock.Elapsed.TotalSeconds);
        return false;
    }

    private async Task Part(
        string part, Func<CancellationToken, Task> work, List<(string Part, Exception Error)> failed, List<OutboxEntry> undelivered, CancellationToken cancellationToken)
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
            failed.Add((part, e));
            if (e is OutboxDeliveryException delivery)
            {
                undelivered.AddRange(delivery.Undelivered);
            }

            LogPartFailed(part, e.Message);
            LogFailureDetail(e);
        }
    }

    private async Task RunStatisticsAsync(CancellationToken cancellationToken)
    {
        var report = await new NodeRunner(Configuration, timeProvider, startup.Sources).RunAsync(cancellationToken);
        var pipeline = report.Pipeline;
        LogRecordsRead(pipeline.RecordsRead, pipeline.RecordsAccepted, pipeline.RecordsOutOfScope, pipeline.Quarantined.Count, report.QuarantineReportPath);
        var resent = report.Published.Count(p => p.Reused);
        var receipts = Path.Combine(Configuration.Resolve(Configuration.StateDirectory), "receipts");
        LogReleasesSent(report.Published.Count - resent, resent, receipts);
        foreach (var published in report.Published)
        {
            var receipt = published.Receipt;
            var kind = published.Reused ? "unchanged, re-sent" : "new";
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
            throw new PrivacyBudgetExceededException(report.Refused.Select(o => o.Shortfall(Configuration.DatasetId)).ToArray());
        }
    }

    private async Task RunDirectoryAsync(CancellationToken cancellationToken)
    {
        var report = await new DirectoryRunner(Configuration, timeProvider, startup.Sources).RunAsync(cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: {Sent} new release(s) sent, {Resent} unchanged release(s) re-sent; receipts kept in {Receipts}.")]
    private partial void LogReleasesSent(int sent, int resent, string receipts);

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {Run} failed after {Seconds:0.0} s.")]
    private partial void LogRunFailed(int run, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {Run} was stopped before it finished.")]
    private partial void LogRunCancelled(int run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Next run at {Next}.")]
    private partial void LogNextRun(string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying at {Next} ({Failures} failed run(s) in a row).")]
    private partial void LogRetry(string next, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node stopped.")]
    private partial void LogStopped();
}
