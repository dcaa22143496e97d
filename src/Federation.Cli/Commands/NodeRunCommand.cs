using System.CommandLine;
using Federation.Node;
using Federation.Node.Hosting;
using Federation.Sdk.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federation.Cli.Commands;

/// <summary>`fed node run`: runs a node from its configuration, once or as a long-running service.</summary>
internal static class NodeRunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The node's configuration file (node.json).", Required = true };
        var once = new Option<bool>("--once")
        {
            Description = "Run one pass and exit, whatever the schedule says: 0 = every release delivered, 2 = a setting or source unusable, "
            + "3 = gateway unreachable or uploads left pending, 4 = a year over its privacy budget, 5 = a release refused by the gateway (signed again next run), "
            + "6 = the node's certificate or client refused (an administrator must act), 1 = another failure. The first that applies, in that order."
        };
        var every = new Option<TimeSpan?>("--every")
        {
            Description = "Run on this interval (days.hours:minutes:seconds, for example 1.00:00:00) until stopped, instead of the configuration's schedule.every.",
        };
        var verbose = CommonOptions.Verbose();
        var command = new Command(
            "run",
            "Run the node: read its sources, validate, aggregate, protect, sign and send its releases (and its service directory), keeping the receipts. "
            + "Runs once unless the configuration has a schedule or --every is given; then runs until Ctrl+C or SIGTERM (systemd).")
        {
            config, once, every, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new NodeHostSettings
            {
                ConfigurationPath = parse.GetValue(config)!.FullName,
                Once = parse.GetValue(once),
                Every = parse.GetValue(every),
            };
            NodeStartup startup;
            try
            {
                Console.WriteLine($"Checking {settings.ConfigurationPath} and its adapters ...");
                startup = NodeStartup.Check(settings, TimeProvider.System);
            }
            catch (NodeConfigurationException e)
            {
                await Console.Error.WriteLineAsync("The node cannot start; nothing was read or sent:");
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var host = NodeHost.Create(
                startup,
                settings,
                TimeProvider.System,
                parse.GetValue(verbose) ? logging => logging.AddFilter("Federation", LogLevel.Debug) : null);
            if (startup.Interval is not null)
            {
                Console.WriteLine("Press Ctrl+C to stop the node.");
            }

            var status = host.Services.GetRequiredService<NodeHostStatus>();
            var exitCode = await NodeHost.RunAsync(host, cancellationToken);
            if (exitCode != 0)
            {
                await WriteFailureAsync(status, settings.ConfigurationPath, Console.Error);
            }

            return exitCode;
        });
        return command;
    }

    /// <summary>
    /// The verdict of a failed single run, on standard error for whoever started it (the progress log went to standard
    /// output): why each part failed and, when releases were left undelivered, what happens to them and how to list them.
    /// </summary>
    private static async Task WriteFailureAsync(NodeHostStatus status, string configurationPath, TextWriter error)
    {
        await error.WriteLineAsync("The node's run failed:");
        await error.WriteLineAsync(status.LastFailure ?? "it was stopped before it finished.");
        if (status.Undelivered.Count == 0)
        {
            return;
        }

        var refusedForData = status.Undelivered.Count(e => e is { State: OutboxEntryState.Failed, RefusedForData: true });
        var refused = status.Undelivered.Count(e => e.State == OutboxEntryState.Failed) - refusedForData;
        var pending = status.Undelivered.Count - refused - refusedForData;
        var fates = new List<string>();
        if (pending > 0)
        {
            fates.Add($"{pending} pending, sent again by the next run");
        }

        if (refused > 0)
        {
            fates.Add($"{refused} refused by the gateway (the next run signs the same release again with the node's current key and sends it)");
        }

        if (refusedForData > 0)
        {
            fates.Add($"{refusedForData} refused for its data: fix the source (the same release is not sent again; a changed one is)");
        }

        await error.WriteLineAsync(
            $"{status.Undelivered.Count} release(s) stay in the node's outbox: {string.Join("; ", fates)}. " +
            $"List them with: fed node outbox --config {configurationPath}");
    }
}
