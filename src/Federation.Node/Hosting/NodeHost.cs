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

        // The runners read the sources the start-up check made (plug-ins loaded once, every adapter's options checked).
        builder.Services.AddSingleton(s => new NodeRunner(startup.Configuration, s.GetRequiredService<TimeProvider>(), startup.Sources));
        builder.Services.AddSingleton(s => new DirectoryRunner(startup.Configuration, s.GetRequiredService<TimeProvider>(), startup.Sources));
        startup.Configuration.Telemetry?.AddTo(builder.Services, startup.Configuration);
        builder.Services.AddHostedService<NodeHostService>();
        ConfigureLogging(builder.Logging);
        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddSystemd();
        return builder.Build();
    }

    /// <summary>
    /// Runs the host until the run is over (without a schedule) or until stopped, then disposes it. Returns the
    /// run's exit code (<see cref="NodeExitCodes"/>) for a single run, and 0 for a scheduled node that was stopped: a
    /// failed run is retried, not a reason for the service manager to see a failure. A scheduled node that stopped
    /// itself because its identity was refused returns <see cref="NodeExitCodes.IdentityRefused"/>.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var status = host.Services.GetRequiredService<NodeHostStatus>();
        var scheduled = host.Services.GetRequiredService<NodeStartup>().Interval is not null;
        await host.RunAsync(cancellationToken);
        return scheduled && !status.StoppedForGood ? 0 : status.ExitCode ?? 1;
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
