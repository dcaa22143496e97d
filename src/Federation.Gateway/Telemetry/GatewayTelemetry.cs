using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// The gateway's OpenTelemetry names, in one place: one <see cref="ActivitySource"/> and one <see cref="Meter"/> per
/// component, each named after it, and their instruments (listed in docs/observability.md). Tags are jurisdiction,
/// dataset, kind, reason, field and status only: never a client, a token or a figure.
/// </summary>
public static class GatewayTelemetry
{
    /// <summary>Submissions of statistics and directory releases: accepted and refused.</summary>
    public const string IngestionName = "Federation.Gateway.Ingestion";

    /// <summary>Analysts' queries.</summary>
    public const string QueryName = "Federation.Gateway.Query";

    /// <summary>The transparency log: its size, its read calls.</summary>
    public const string TransparencyName = "Federation.Gateway.Transparency";

    /// <summary>The national service directory: searches, summaries and capacity watch streams.</summary>
    public const string ServiceDirectoryName = "Federation.Gateway.ServiceDirectory";

    /// <summary>Every component's name: each is both an activity source and a meter.</summary>
    public static IReadOnlyList<string> ComponentNames { get; } = [IngestionName, QueryName, TransparencyName, ServiceDirectoryName];

    /// <summary>Instruments of <see cref="IngestionName"/>.</summary>
    public static class Ingestion
    {
        public const string ReleasesAccepted = "federation.gateway.releases.accepted";
        public const string ReleasesRefused = "federation.gateway.releases.refused";

        internal static readonly ActivitySource Source = new(IngestionName);
        internal static readonly Meter Meter = new(IngestionName);

        internal static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
            ReleasesAccepted, "{release}", "Releases accepted (stored, or recognised as already stored), by kind, dataset and jurisdiction.");

        internal static readonly Counter<long> Refused = Meter.CreateCounter<long>(
            ReleasesRefused, "{release}", "Releases refused, by kind, reason (the gRPC status), field at fault and the caller's jurisdiction.");
    }

    /// <summary>Instruments of <see cref="QueryName"/>.</summary>
    public static class Query
    {
        public const string QueryDuration = "federation.gateway.query.duration";

        internal static readonly ActivitySource Source = new(QueryName);
        internal static readonly Meter Meter = new(QueryName);

        internal static readonly Histogram<double> Duration = Meter.CreateHistogram(
            QueryDuration, "s", "Time to answer a Query call, by dataset, view (estimates or publication) and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    /// <summary>Instruments of <see cref="TransparencyName"/>.</summary>
    public static class Transparency
    {
        public const string LogSize = "federation.gateway.log.size";

        internal static readonly ActivitySource Source = new(TransparencyName);
        internal static readonly Meter Meter = new(TransparencyName);

        internal static readonly ObservableGauge<long> Size = Meter.CreateObservableGauge(
            LogSize, LogSizeObservation.Observe, "{leaf}", "Leaves of the transparency log this gateway serves (verified against the signed checkpoints).");
    }

    /// <summary>Instruments of <see cref="ServiceDirectoryName"/>.</summary>
    public static class ServiceDirectory
    {
        public const string CapacityStreams = "federation.gateway.capacity.streams";

        internal static readonly ActivitySource Source = new(ServiceDirectoryName);
        internal static readonly Meter Meter = new(ServiceDirectoryName);

        internal static readonly UpDownCounter<long> Streams = Meter.CreateUpDownCounter<long>(
            CapacityStreams, "{stream}", "Capacity watch streams open now.");
    }

    /// <summary>The tag names, shared by metrics and activities.</summary>
    public static class Tags
    {
        public const string Kind = "federation.release.kind";
        public const string Dataset = "federation.dataset";
        public const string Jurisdiction = "federation.jurisdiction";
        public const string Reason = "federation.refusal.reason";
        public const string Field = "federation.refusal.field";
        public const string View = "federation.query.view";
        public const string Status = "rpc.grpc.status";
    }

    /// <summary>The dataset tag of service directory releases (they belong to no statistical dataset).</summary>
    public const string DirectoryDataset = "service-directory";

    /// <summary>The tag value when the call did not say (a refusal before the payload was read, a caller without jurisdiction).</summary>
    public const string Unknown = "unknown";
}
