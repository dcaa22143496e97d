using System.Diagnostics;
using System.Net;
using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tags = Federation.Gateway.Telemetry.GatewayTelemetry.Tags;

namespace Federation.Gateway.Tests;

/// <summary>
/// Metrics and traces are process-wide (static meters and sources), so these tests run alone, never beside other
/// gateways' calls.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryRunsAlone
{
    public const string Name = "Telemetry";
}

/// <summary>
/// One real gateway (TLS, gRPC over loopback) whose telemetry goes to in-memory exporters and to its Prometheus scrape
/// port, read over HTTP.
/// </summary>
[Collection(TelemetryRunsAlone.Name)]
public sealed class TelemetryTests : IAsyncLifetime
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;
    private static readonly ActivitySource Caller = new("Federation.Gateway.Tests.Caller");
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<Activity> _activities = [];
    private GatewayFixture _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Prometheus:Port"] = "0";
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddGatewayInstrumentation().AddInMemoryExporter(_metrics))
                .WithTracing(tracing => tracing.AddGatewayInstrumentation().AddSource(Caller.Name).AddInMemoryExporter(_activities));
        });
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Accepted_and_refused_releases_are_counted_by_jurisdiction_and_by_reason_and_field_without_indices()
    {
        var acceptedBefore = Sum(GatewayTelemetry.Ingestion.ReleasesAccepted, (Tags.Jurisdiction, "PE"), (Tags.Kind, "statistics"));
        var refusedBefore = Sum(GatewayTelemetry.Ingestion.ReleasesRefused, (Tags.Jurisdiction, "PE"), (Tags.Reason, "invalid_argument"),
            (Tags.Field, "submission.protection.table_noise.variance"));

        await _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("PE", LastYear, total: 30), _gateway.Federation.Node("PE")));
        var wrongNoise = TestSubmissions.Complete("PE", LastYear - 1);
        wrongNoise.Protection.TableNoise[2].Variance = "5";
        await Assert.ThrowsAsync<RpcException>(() => _gateway.SubmitAsync(TestSubmissions.Sign(wrongNoise, _gateway.Federation.Node("PE"))));

        Assert.Equal(acceptedBefore + 1, Sum(GatewayTelemetry.Ingestion.ReleasesAccepted, (Tags.Jurisdiction, "PE"), (Tags.Kind, "statistics"), (Tags.Dataset, "trafficking.victims.v1")));
        Assert.Equal(refusedBefore + 1, Sum(GatewayTelemetry.Ingestion.ReleasesRefused, (Tags.Jurisdiction, "PE"), (Tags.Reason, "invalid_argument"),
            (Tags.Field, "submission.protection.table_noise.variance")));
    }

    [Fact]
    public async Task Query_latency_the_log_size_and_open_capacity_streams_are_measured()
    {
        await _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("YT", LastYear, total: 12), _gateway.Federation.Node("YT")));
        var queriesBefore = HistogramCount(GatewayTelemetry.Query.QueryDuration, (Tags.Dataset, "trafficking.victims.v1"), (Tags.Status, "ok"), (Tags.View, "publication"));
        await _gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear }, Publication = true });
        Assert.Equal(queriesBefore + 1, HistogramCount(GatewayTelemetry.Query.QueryDuration, (Tags.Dataset, "trafficking.victims.v1"), (Tags.Status, "ok"), (Tags.View, "publication")));

        var served = _gateway.App.Services.GetRequiredService<ServedLog>();
        Assert.True(served.TreeSize > 0);
        Assert.Equal(served.TreeSize, Gauge(GatewayTelemetry.Transparency.LogSize));

        var streamsBefore = Sum(GatewayTelemetry.ServiceDirectory.CapacityStreams);
        using (var watching = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            using var watch = _gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest { Jurisdictions = { "ON" } }, cancellationToken: watching.Token);
            await watch.ResponseHeadersAsync;
            Assert.Equal(streamsBefore + 1, Sum(GatewayTelemetry.ServiceDirectory.CapacityStreams));
            await watching.CancelAsync();
        }

        await WaitUntilAsync(() => Sum(GatewayTelemetry.ServiceDirectory.CapacityStreams) == streamsBefore);
    }

    [Fact]
    public async Task A_callers_trace_context_sent_over_grpc_is_the_parent_of_the_gateways_activity()
    {
        ActivityTraceId traceId;
        using (var call = Caller.StartActivity("caller"))
        {
            Assert.NotNull(call);
            traceId = call.TraceId;
            await _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NU", LastYear, total: 8), _gateway.Federation.Node("NU")));
        }

        _gateway.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var submit = Assert.Single(_activities, a => a.Source.Name == GatewayTelemetry.IngestionName && a.TraceId == traceId);
        Assert.Equal("federation.v1.SubmissionService/Submit", submit.DisplayName);
        Assert.Equal("NU", submit.GetTagItem(Tags.Jurisdiction));
        // Its parent is the gateway's server span of the call, itself the child of the caller's span on the wire.
        var server = Assert.Single(_activities, a => a.SpanId == submit.ParentSpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal(traceId, server.TraceId);
    }

    [Fact]
    public async Task The_prometheus_endpoint_serves_the_metrics_over_plain_http_on_its_own_port_and_nothing_else()
    {
        await _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NT", LastYear, total: 9), _gateway.Federation.Node("NT")));
        var address = _gateway.App.Services.GetRequiredService<PrometheusListener>().Address;
        Assert.NotNull(address);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(address.Host)));
        Assert.NotEqual(_gateway.Address.Port, address.Port);
        using var http = new HttpClient();

        var text = await http.GetStringAsync(address);

        Assert.Contains("federation_gateway_releases_accepted_total{", text, StringComparison.Ordinal);
        Assert.Contains("federation_jurisdiction=\"NT\"", text, StringComparison.Ordinal);
        Assert.Contains("federation_gateway_log_size", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(new Uri(address, "/connect/token"), new StringContent(string.Empty))).StatusCode);
    }

    private long Sum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetSumLong());

    private long HistogramCount(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetHistogramCount());

    private long Gauge(string name) => Assert.Single(Points(name, [])).GetGaugeLastValueLong();

    private List<MetricPoint> Points(string name, (string Key, object Value)[] tags)
    {
        _metrics.Clear();
        _gateway.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var metric = _metrics.LastOrDefault(m => m.Name == name);
        if (metric is null)
        {
            return [];
        }

        return metric.MetricPoints.Where(point =>
        {
            var pointTags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            return tags.All(t => pointTags.TryGetValue(t.Key, out var value) && Equals(value, t.Value));
        }).ToList();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // The stream ends on the server after the client cancels: poll the gauge, bounded.
        for (var attempt = 0; attempt < 100 && !condition(); attempt++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}

/// <summary>Bad telemetry settings stop the start, each named (no telemetry is recorded: runs beside other tests).</summary>
public sealed class TelemetrySettingsTests
{
    [Fact]
    public async Task Bad_telemetry_settings_stop_the_start_naming_each()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFixture.StartAsync(configureBuilder: builder =>
        {
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Otlp:Endpoint"] = "collector:4317";
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Otlp:Protocol"] = "udp";
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Prometheus:ListenAddress"] = "localhost";
        }));

        Assert.Contains("Gateway:Telemetry:Otlp:Endpoint: 'collector:4317' is not an http or https address", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Telemetry:Otlp:Protocol: 'udp' is not one of grpc, http/protobuf.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Telemetry:Prometheus:ListenAddress: 'localhost' is not an IP address.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_prometheus_port_cannot_be_the_gateways_own()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFixture.StartAsync(
            options => options.Port = 7443,
            builder => builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Prometheus:Port"] = "7443"));

        Assert.Contains("Gateway:Telemetry:Prometheus:Port: 7443 is the gateway's own port", error.Message, StringComparison.Ordinal);
    }
}
