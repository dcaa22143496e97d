using System.Diagnostics;
using System.Diagnostics.Metrics;
using Federation.Sdk.Privacy;

namespace Federation.Node.Telemetry;

/// <summary>
/// The node's OpenTelemetry names and instruments, in one place (listed in docs/observability.md): one
/// <see cref="ActivitySource"/> and one <see cref="Meter"/>, both <see cref="Name"/>. A run is an activity; the
/// gateway calls made inside it carry its trace context (W3C traceparent) to the gateway. Tags are jurisdiction,
/// dataset and outcome only: never a record, a reason text or a figure.
/// </summary>
public static class NodeTelemetry
{
    public const string Name = "Federation.Node";

    public const string RunActivity = "node.run";
    public const string RunDuration = "federation.node.run.duration";
    public const string RecordsQuarantined = "federation.node.records.quarantined";
    public const string BudgetSpent = "federation.node.budget.spent";

    /// <summary>Tag names.</summary>
    public static class Tags
    {
        public const string Jurisdiction = "federation.jurisdiction";
        public const string Dataset = "federation.dataset";
        public const string Outcome = "federation.node.outcome";
    }

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        RunDuration, "s", "Duration of a node run, by outcome (its exit code's name, for example delivered).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    private static readonly Counter<long> Quarantined = Meter.CreateCounter<long>(
        RecordsQuarantined, "{record}", "Case records quarantined by runs (reasons are in the run's quarantine.csv, never in metrics).");

    private static readonly Counter<double> Spent = Meter.CreateCounter<double>(
        BudgetSpent, "{rho}", "Privacy budget (zCDP rho) charged to the ledger by new releases and revisions.");

    /// <summary>Starts the activity of a run (null when nothing listens).</summary>
    public static Activity? StartRun(NodeConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Source.StartActivity(RunActivity, ActivityKind.Internal)?
            .SetTag(Tags.Jurisdiction, configuration.Jurisdiction)
            .SetTag(Tags.Dataset, configuration.DatasetId);
    }

    /// <summary>Records a finished run: its duration and outcome, on the metric and on the run's activity.</summary>
    public static void RecordRun(NodeConfiguration configuration, TimeSpan elapsed, string outcome, bool succeeded)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Activity.Current?.SetTag(Tags.Outcome, outcome).SetStatus(succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, succeeded ? null : outcome);
        Duration.Record(
            elapsed.TotalSeconds,
            new(Tags.Jurisdiction, configuration.Jurisdiction),
            new(Tags.Dataset, configuration.DatasetId),
            new(Tags.Outcome, outcome));
    }

    /// <summary>Records what the statistics part of a run prepared: records quarantined, budget charged.</summary>
    public static void RecordPrepared(NodeConfiguration configuration, NodePreparation prepared)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(prepared);
        var jurisdiction = new KeyValuePair<string, object?>(Tags.Jurisdiction, configuration.Jurisdiction);
        var dataset = new KeyValuePair<string, object?>(Tags.Dataset, configuration.DatasetId);
        Quarantined.Add(prepared.Pipeline.Quarantined.Count, jurisdiction, dataset);
        var charged = prepared.Outlooks
            .Where(o => o.Status is ReleaseStatus.FirstRelease or ReleaseStatus.Revision && !o.Refused)
            .Sum(o => o.CostRho.ToDouble());
        Spent.Add(charged, jurisdiction, dataset);
    }
}
