using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// Wires the gateway's telemetry from its settings (<see cref="GatewayTelemetryOptions"/>): nothing is built unless an
/// OTLP endpoint or a Prometheus port is set.
/// </summary>
public static class GatewayTelemetryRegistration
{
    /// <summary>The service name traces and metrics carry (OpenTelemetry resource attribute service.name).</summary>
    public const string ServiceName = "federation-gateway";

    /// <summary>Registers the settings, the log size gauge and, when switched on, the OpenTelemetry pipeline and exporters.</summary>
    public static void AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(GatewayTelemetryOptions.SectionName);
        builder.Services.AddOptions<GatewayTelemetryOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayTelemetryOptions>, GatewayTelemetryOptionsValidator>();
        builder.Services.AddHostedService<LogSizeObservation>();
        builder.Services.AddSingleton<PrometheusListener>();

        var declared = section.Get<GatewayTelemetryOptions>() ?? new GatewayTelemetryOptions();
        if (!declared.Enabled)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddGatewayInstrumentation();
                if (declared.Prometheus.Enabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (declared.Otlp.Enabled && Uri.TryCreate(declared.Otlp.Endpoint, UriKind.Absolute, out var endpoint))
        {
            telemetry.WithTracing(tracing => tracing.AddGatewayInstrumentation());
            var protocol = declared.Otlp.Protocol == GatewayTelemetryOptions.OtlpSettings.HttpProtobufProtocol
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, endpoint);
        }

        if (declared.Prometheus.Enabled)
        {
            builder.WebHost.ConfigureKestrel((_, kestrel) => kestrel.ApplicationServices.GetRequiredService<PrometheusListener>().Listen(kestrel));
        }
    }

    /// <summary>Serves the Prometheus scrape endpoint on its own port when switched on; call before any other middleware.</summary>
    public static void UseGatewayTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var listener = app.Services.GetRequiredService<PrometheusListener>();
        if (!listener.Enabled)
        {
            return;
        }

        // Only the scrape endpoint answers on that port: no token endpoint, no gRPC, nothing else.
        app.UseWhen(listener.Serves, scrape =>
        {
            scrape.UseOpenTelemetryPrometheusScrapingEndpoint();
            scrape.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>The gateway's activity sources (each component's, and ASP.NET Core's server spans, which carry the caller's trace context).</summary>
    public static TracerProviderBuilder AddGatewayInstrumentation(this TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing.AddSource([.. GatewayTelemetry.ComponentNames]).AddAspNetCoreInstrumentation();
    }

    /// <summary>The gateway's meters (each component's, and ASP.NET Core's request metrics).</summary>
    public static MeterProviderBuilder AddGatewayInstrumentation(this MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter([.. GatewayTelemetry.ComponentNames]).AddAspNetCoreInstrumentation();
    }
}

/// <summary>The Prometheus scrape endpoint's own listener: plain HTTP/1.1 on <see cref="GatewayTelemetryOptions.PrometheusSettings.Port"/>.</summary>
public sealed class PrometheusListener(IOptions<GatewayTelemetryOptions> options)
{
    private ListenOptions? _listen;

    public bool Enabled => options.Value.Prometheus.Enabled;

    /// <summary>The scrape address once the gateway has started, for example http://127.0.0.1:9464/metrics; null when not served.</summary>
    public Uri? Address => _listen?.IPEndPoint is { } endpoint
        ? new Uri($"http://{(endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString())}:{endpoint.Port}/metrics")
        : null;

    internal void Listen(KestrelServerOptions kestrel)
    {
        var settings = options.Value.Prometheus;
        kestrel.Listen(IPAddress.Parse(settings.ListenAddress), settings.Port!.Value, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            _listen = listen;
        });
    }

    internal bool Serves(HttpContext context) => _listen?.IPEndPoint is { } endpoint && context.Connection.LocalPort == endpoint.Port;
}
