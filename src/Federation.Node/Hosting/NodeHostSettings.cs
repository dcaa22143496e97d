namespace Federation.Node.Hosting;

/// <summary>How the node host runs: its configuration file, and whether to run once or on a schedule.</summary>
public sealed class NodeHostSettings
{
    /// <summary>The node's configuration file (node.json).</summary>
    public required string ConfigurationPath { get; init; }

    /// <summary>Run one pass and stop, whatever the schedule says.</summary>
    public bool Once { get; init; }

    /// <summary>The interval between runs, overriding the configuration's <c>schedule.every</c>.</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>The wait before retrying a failed run; doubled after each further failure, up to the interval.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMinutes(1);
}
