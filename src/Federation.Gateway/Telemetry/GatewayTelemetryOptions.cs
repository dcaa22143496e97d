using System.Net;
using Federation.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// Settings of the gateway's telemetry (configuration section "Gateway:Telemetry"). Everything is off by default:
/// setting <see cref="OtlpSettings.Endpoint"/> exports traces and metrics over OTLP, setting
/// <see cref="PrometheusSettings.Port"/> serves a Prometheus scrape endpoint on a port of its own.
/// </summary>
public sealed class GatewayTelemetryOptions
{
    public const string SectionName = GatewayOptions.SectionName + ":Telemetry";

    public OtlpSettings Otlp { get; set; } = new();

    public PrometheusSettings Prometheus { get; set; } = new();

    /// <summary>Whether anything is exported or served (otherwise no telemetry pipeline is built at all).</summary>
    public bool Enabled => Otlp.Enabled || Prometheus.Enabled;

    /// <summary>OpenTelemetry Protocol export of traces and metrics to a collector.</summary>
    public sealed class OtlpSettings
    {
        public const string GrpcProtocol = "grpc";
        public const string HttpProtobufProtocol = "http/protobuf";

        /// <summary>The collector's address, for example http://127.0.0.1:4317 (grpc) or http://127.0.0.1:4318 (http/protobuf); unset: no export.</summary>
        public string? Endpoint { get; set; }

        /// <summary><c>grpc</c> (the default) or <c>http/protobuf</c>.</summary>
        public string Protocol { get; set; } = GrpcProtocol;

        public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
    }

    /// <summary>A Prometheus scrape endpoint (plain HTTP, GET /metrics) on its own port, apart from the gRPC port.</summary>
    public sealed class PrometheusSettings
    {
        /// <summary>The TCP port of the scrape endpoint, for example 9464 (0 picks a free port); unset: not served.</summary>
        public int? Port { get; set; }

        /// <summary>The IP address it listens on; loopback by default (a scraper on the same host, or a local proxy).</summary>
        public string ListenAddress { get; set; } = "127.0.0.1";

        public bool Enabled => Port is not null;
    }
}

/// <summary>Checks <see cref="GatewayTelemetryOptions"/> at start-up, naming each bad setting.</summary>
internal sealed class GatewayTelemetryOptionsValidator(IOptions<GatewayOptions> gateway) : IValidateOptions<GatewayTelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayTelemetryOptions options)
    {
        var failures = new List<string>();
        var section = GatewayTelemetryOptions.SectionName;
        if (options.Otlp.Enabled
            && (!Uri.TryCreate(options.Otlp.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{section}:Otlp:Endpoint: '{options.Otlp.Endpoint}' is not an http or https address, for example http://127.0.0.1:4317.");
        }

        if (options.Otlp.Protocol is not (GatewayTelemetryOptions.OtlpSettings.GrpcProtocol or GatewayTelemetryOptions.OtlpSettings.HttpProtobufProtocol))
        {
            failures.Add($"{section}:Otlp:Protocol: '{options.Otlp.Protocol}' is not one of {GatewayTelemetryOptions.OtlpSettings.GrpcProtocol}, {GatewayTelemetryOptions.OtlpSettings.HttpProtobufProtocol}.");
        }

        if (options.Prometheus.Port is { } port)
        {
            if (port is < 0 or > 65535)
            {
                failures.Add($"{section}:Prometheus:Port: {port} is not a TCP port (0 to 65535).");
            }
            else if (port != 0 && port == gateway.Value.Port)
            {
                failures.Add($"{section}:Prometheus:Port: {port} is the gateway's own port ({GatewayOptions.SectionName}:Port); the scrape endpoint needs a port of its own.");
            }
        }

        if (!IPAddress.TryParse(options.Prometheus.ListenAddress, out _))
        {
            failures.Add($"{section}:Prometheus:ListenAddress: '{options.Prometheus.ListenAddress}' is not an IP address.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
