using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Federation.Node.Hosting;

/// <summary>
/// The node as a generic host: <see cref="NodeHostService"/> runs it at start and on its schedule, stopping cleanly on
/// Ctrl+C or SIGTERM; under systemd it reports readiness and logs in the journal's format.
/// </summary>
public static class NodeHost
{
    /// <summary>
    /// Builds the host of a checked node (<see cref="NodeStartup.Check"/>). <paramref name="configureLogging"/> adds
    /// logging beyond the console's progress lines.
    /// </summary>
    public static IHost Create(NodeStartup startup, NodeHostSettings settings, TimeProvider timeProvider, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(startup);
        ArgumentNullException.ThrowIfNull(settings);

        // No defaults: the node's only configuration is its node.json, not appsettings.json or the environment.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = startup.Configuration.BaseDirectory });
        builder.Services.AddSingleton(startup);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddSingleton<NodeHostStatus>();
        builder.Services.AddHostedService<NodeHostService>();
        ConfigureLogging(builder.Logging);
        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddSystemd();
        return builder.Build();
    }

    /// <summary>
    /// Runs the host until the run is over (without a schedule) or until stopped, then disposes it; returns 0 when
    /// the last run succeeded, else 1.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var status = host.Services.GetRequiredService<NodeHostStatus>();
        await host.RunAsync(cancellationToken);
        return status.ExitCode ?? 0;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
        logging.AddFilter("Grpc", LogLevel.Warning);
        logging.AddConsole(o => o.FormatterName = ProgressConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<ProgressConsoleFormatter, ConsoleFormatterOptions>();
    }
}
