using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Federation.Node.Telemetry;

/// <summary>
/// node.json's "telemetry": where the node exports its traces and metrics (<see cref="NodeTelemetry"/>) over OTLP.
/// Absent, or without <see cref="OtlpEndpoint"/>: nothing is exported and no telemetry pipeline is built.
/// </summary>
public sealed class NodeTelemetrySettings
{
    public const string GrpcProtocol = "grpc";
    public const string HttpProtobufProtocol = "http/protobuf";

    /// <summary>The service name traces and metrics carry (OpenTelemetry resource attribute service.name).</summary>
    public const string ServiceName = "federation-node";

    /// <summary>The OpenTelemetry collector's address, for example http://127.0.0.1:4317 (grpc) or http://127.0.0.1:4318 (http/protobuf).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (the default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = GrpcProtocol;

    internal void Validate(List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint)
            && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"telemetry.otlpEndpoint: '{OtlpEndpoint}' is not an http or https address, for example http://127.0.0.1:4317.");
        }

        if (OtlpProtocol is not (GrpcProtocol or HttpProtobufProtocol))
        {
            problems.Add($"telemetry.otlpProtocol: '{OtlpProtocol}' is not one of {GrpcProtocol}, {HttpProtobufProtocol}.");
        }
    }

    /// <summary>Adds the OpenTelemetry pipeline exporting to <see cref="OtlpEndpoint"/>, when it is set.</summary>
    internal void AddTo(IServiceCollection services, NodeConfiguration configuration)
    {
        if (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: configuration.NodeId)
                .AddAttributes([new(NodeTelemetry.Tags.Jurisdiction, configuration.Jurisdiction)]))
            .WithTracing(tracing => tracing.AddSource(NodeTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(NodeTelemetry.Name))
            .UseOtlpExporter(OtlpProtocol == HttpProtobufProtocol ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, endpoint);
    }
}
