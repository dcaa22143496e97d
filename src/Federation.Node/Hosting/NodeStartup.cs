using Federation.Node.Adapters;
using Microsoft.Extensions.Logging;

namespace Federation.Node.Hosting;

/// <summary>
/// A node ready to run: its configuration, the adapters of its sources, and its interval, all checked before anything
/// is read or sent.
/// </summary>
public sealed class NodeStartup
{
    private NodeStartup(NodeConfiguration configuration, NodeSourceFactory sources, TimeSpan? interval)
    {
        Configuration = configuration;
        Sources = sources;
        Interval = interval;
    }

    public NodeConfiguration Configuration { get; }

    public NodeSourceFactory Sources { get; }

    /// <summary>The interval between runs, or null to run once.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>
    /// Reads the configuration, checks the node's identity (<see cref="NodeIdentity"/>), loads the plug-ins and checks
    /// every adapter's options; throws
    /// <see cref="NodeConfigurationException"/> listing every problem together, each naming its setting.
    /// </summary>
    public static NodeStartup Check(NodeHostSettings settings, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var fullPath = Path.GetFullPath(settings.ConfigurationPath);
        var configuration = NodeConfiguration.Read(fullPath);
        var problems = configuration.Validate().ToList();
        if (settings.Every is { } every && NodeConfiguration.ScheduleSettings.Problem(every) is { } problem)
        {
            problems.Add($"--every: {problem}");
        }

        if (new[] { configuration.Signing.Certificate, configuration.Signing.PrivateKey, configuration.Gateway.TrustRoot }
            .All(f => !string.IsNullOrWhiteSpace(f) && File.Exists(configuration.Resolve(f))))
        {
            problems.AddRange(NodeIdentity.Problems(configuration, timeProvider.GetUtcNow()));
        }

        var sources = new NodeSourceFactory(configuration, timeProvider, loggerFactory);
        problems.AddRange(sources.Check());
        if (problems.Count > 0)
        {
            throw NodeConfiguration.Unusable(fullPath, problems);
        }

        var interval = settings.Once ? null : settings.Every ?? configuration.Schedule?.Every;
        return new NodeStartup(configuration, sources, interval);
    }
}
