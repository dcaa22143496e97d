using System.Diagnostics;
using System.Text.Json.Nodes;
using Federation.Gateway.Telemetry;
using Federation.Node.Hosting;
using Federation.Node.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Federation.EndToEnd.Tests;

/// <summary>Metrics and traces are process-wide (static meters and sources): these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryRunsAlone
{
    public const string Name = "Telemetry";
}

/// <summary>A node run traced and measured, its trace carried to the gateway over real gRPC (TLS, loopback).</summary>
[Collection(TelemetryRunsAlone.Name)]
public sealed class NodeTelemetryTests
{
    [Fact]
    public async Task A_node_runs_trace_id_arrives_in_the_gateways_activities_and_the_run_is_measured()
    {
        var activities = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        await using var fixture = await DemoFederationFixture.StartAsync(builder => builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddGatewayInstrumentation().AddSource(NodeTelemetry.Name).AddInMemoryExporter(activities))
            .WithMetrics(meters => meters.AddMeter(NodeTelemetry.Name).AddInMemoryExporter(metrics)));
        var settings = new NodeHostSettings { ConfigurationPath = fixture.Layout.NodeConfiguration("NL"), Once = true };
        var startup = NodeStartup.Check(settings, TimeProvider.System);
        using var host = NodeHost.Create(startup, settings, TimeProvider.System);

        Assert.Equal(NodeExitCodes.Delivered, await NodeHost.RunAsync(host, CancellationToken.None));

        fixture.Gateway.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var run = Assert.Single(activities, a => a.Source.Name == NodeTelemetry.Name && Equals(a.GetTagItem(NodeTelemetry.Tags.Jurisdiction), "NL"));
        Assert.Equal(NodeTelemetry.RunActivity, run.DisplayName);
        var submits = activities.Where(a => a.Source.Name == GatewayTelemetry.IngestionName && a.TraceId == run.TraceId).ToList();
        Assert.Contains(submits, a => a.DisplayName == "federation.v1.SubmissionService/Submit");
        Assert.All(submits, a => Assert.Equal("NL", a.GetTagItem(GatewayTelemetry.Tags.Jurisdiction)));

        fixture.Gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var duration = metrics.Last(m => m.Name == NodeTelemetry.RunDuration).MetricPoints.Single(p => Has(p, NodeTelemetry.Tags.Jurisdiction, "NL"));
        Assert.Equal(1, duration.GetHistogramCount());
        Assert.True(Has(duration, NodeTelemetry.Tags.Outcome, "delivered"));
        var spent = metrics.Last(m => m.Name == NodeTelemetry.BudgetSpent).MetricPoints.Single(p => Has(p, NodeTelemetry.Tags.Jurisdiction, "NL"));
        Assert.True(spent.GetSumDouble() > 0, "a first run charges its releases to the ledger");
        Assert.Contains(metrics, m => m.Name == NodeTelemetry.RecordsQuarantined);
    }

    [Fact]
    public async Task A_node_and_its_gateway_switched_on_by_their_settings_export_over_otlp()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var fixture = await DemoFederationFixture.StartAsync(builder =>
        {
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Otlp:Endpoint"] = collector.Endpoint;
            builder.Configuration[$"{GatewayTelemetryOptions.SectionName}:Otlp:Protocol"] = "http/protobuf";
        });
        var path = fixture.Layout.NodeConfiguration("NB");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        json["telemetry"] = new JsonObject { ["otlpEndpoint"] = collector.Endpoint, ["otlpProtocol"] = "http/protobuf" };
        await File.WriteAllTextAsync(path, json.ToJsonString());
        var settings = new NodeHostSettings { ConfigurationPath = path, Once = true };

        using (var host = NodeHost.Create(NodeStartup.Check(settings, TimeProvider.System), settings, TimeProvider.System))
        {
            Assert.Equal(NodeExitCodes.Delivered, await NodeHost.RunAsync(host, CancellationToken.None));
        }

        fixture.Gateway.Services.GetRequiredService<TracerProvider>().ForceFlush();
        fixture.Gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Assert.True(collector.Received("traces", NodeTelemetry.RunActivity), "the node exported its run");
        Assert.True(collector.Received("traces", "federation-node"), "under the node's service name");
        Assert.True(collector.Received("metrics", NodeTelemetry.RunDuration), "the node exported its metrics");
        Assert.True(collector.Received("traces", "federation.v1.SubmissionService/Submit"), "the gateway exported the Submit spans");
        Assert.True(collector.Received("traces", GatewayTelemetryRegistration.ServiceName), "under the gateway's service name");
        Assert.True(collector.Received("metrics", GatewayTelemetry.Ingestion.ReleasesAccepted), "the gateway exported its metrics");
    }

    private static bool Has(MetricPoint point, string key, object value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && Equals(tag.Value, value))
            {
                return true;
            }
        }

        return false;
    }
}
